"""Values and helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner, Result

from bot.cli import cli

FIXED_NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def mysay(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    """Run a `mysay` command in-process, as an operator would type it."""
    return CliRunner().invoke(cli, list(args), env=env, input=input)


class MutableClock:
    """A clock tests move by hand (escalation deadlines, reminders, expiry)."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> bool:
    """Poll `check` until it is true or time runs out (for work finishing after a reply)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True
