"""Two lanes of work in one process: people's inputs first, background work in the gaps.

A child's answer, a staff member's button or a web chat post is interactive: someone is
waiting for the reply. Background work (delivering the outbox, queueing reminders and
digests, housekeeping) is not, yet on one event loop and, on SQLite, one writer at a time, a
sweep of hundreds of reminders sent one after another held every answer up behind it for
seconds. So inputs say when they are in flight (`Lanes.interactive`), and background work
asks before each small step (`Lanes.give_way`): while an input is in flight it waits until
none is, though never longer than `MAX_WAIT_SECONDS` a step, so under constant load it still
moves, one step at a time.

Safeguarding alerts never ask: they are not background work (see `bot.app.outbox`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

# The longest a background step waits for inputs to finish. Inputs take milliseconds, so
# this is only reached under constant load, where it sets how slowly background work moves.
MAX_WAIT_SECONDS = 0.5


class Lanes:
    """Counts the inputs in flight; lets background work wait for a gap between them."""

    def __init__(self, max_wait: float = MAX_WAIT_SECONDS) -> None:
        self._max_wait = max_wait
        self._in_flight = 0
        # Background steps waiting for a gap, each woken when the last input finishes.
        self._waiting: list[asyncio.Future[None]] = []

    @property
    def in_flight(self) -> int:
        """How many inputs are being handled now."""
        return self._in_flight

    @contextlib.asynccontextmanager
    async def interactive(self) -> AsyncIterator[None]:
        """Mark an input in flight while the block runs: background work gives way to it."""
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._wake_background()

    async def give_way(self) -> None:
        """Wait, before a background step, until no input is in flight (bounded)."""
        if not self._in_flight:
            return
        # Made here, on the running loop: one process may run several loops over its life
        # (the tests do), and a future belongs to the loop that made it.
        gap: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(gap)
        try:
            await asyncio.wait_for(gap, self._max_wait)
        except TimeoutError:
            pass  # inputs never stopped: take one step anyway, so nothing starves
        finally:
            if gap in self._waiting:
                self._waiting.remove(gap)

    def _wake_background(self) -> None:
        waiting, self._waiting = self._waiting, []
        for gap in waiting:
            if not gap.done():
                gap.set_result(None)
