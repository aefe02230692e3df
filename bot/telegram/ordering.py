"""Updates from different chats handled at once, each chat's own strictly one after another.

One update at a time for the whole bot meant one child's slow answer (a Telegram 429, a busy
database) held up every other child, /helpnow included. Per chat, order still matters: a
child's answers must reach their run in the order they were given. At most `max_at_work`
updates are handled at once, so a burst waits here, in order, rather than in the database
pool, where a long wait reads as an outage; urgent updates (/helpnow) never wait for a place.
An update at work is an input in flight (`bot.app.lanes`): background work gives way to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.app.lanes import Lanes

# PTB holds an update's coroutine in a slot until it is done; waiting for the chat's earlier
# update happens in the slot too, so slots must outnumber updates in progress: each costs a
# little memory, and none is work the database or Telegram sees.
MAX_UPDATES_IN_PROGRESS = 100_000
# Updates being handled at once: a few times the database pool (15 connections by default).
MAX_AT_WORK = 64


def chat_of(update: object) -> Hashable:
    """The chat an update belongs to (its user's, without a chat); None for anything else."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Process updates concurrently across chats and in arrival order within a chat.

    PTB starts one task per update, in the order updates arrived, and each task reaches
    `do_process_update` before it first waits; so each update finds its chat's previous one
    here, and waits for it before starting.
    """

    def __init__(
        self,
        lanes: Lanes,
        max_at_work: int = MAX_AT_WORK,
        urgent: Callable[[object], bool] = lambda update: False,
    ) -> None:
        super().__init__(MAX_UPDATES_IN_PROGRESS)
        self._lanes = lanes
        self._at_work = asyncio.Semaphore(max_at_work)
        self._urgent = urgent
        self._last: dict[Hashable, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's previous update to finish, then process this one."""
        chat = chat_of(update)
        previous = self._last.get(chat)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._last[chat] = done
        try:
            if previous is not None:
                # Shielded: a cancelled waiter must not cancel the update it waits for.
                await asyncio.shield(previous)
            place = contextlib.nullcontext() if self._urgent(update) else self._at_work
            async with place, self._lanes.interactive():
                await coroutine
        finally:
            if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == (
                inspect.CORO_CREATED
            ):
                coroutine.close()  # cancelled before its turn: it never started
            done.set_result(None)
            if self._last.get(chat) is done:
                del self._last[chat]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB waits for the updates in progress before shutting down."""
