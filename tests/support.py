"""Values and helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from click.testing import CliRunner, Result

from bot.app import admin
from bot.bootstrap import Services
from bot.cli import cli
from storage.models import Participant, Run
from storage.uow import UnitOfWork

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


async def add_run(
    uow: UnitOfWork,
    *,
    telegram_id: int,
    role: str = "child",
    child_id: int | None = None,
    state: dict[str, Any] | None = None,
) -> Run:
    """A participant and a waiting check-in run of theirs, flushed so both have ids."""
    participant = uow.participants.add(
        Participant(telegram_id=telegram_id, role=role, child_id=child_id, created_at=FIXED_NOW)
    )
    await uow.flush()
    run = Run(
        participant_id=participant.id,
        flow_id="checkin",
        flow_version=1,
        status="waiting",
        started_at=FIXED_NOW,
        updated_at=FIXED_NOW,
    )
    uow.runs.write_state(run, state or {})
    uow.runs.add(run)
    await uow.flush()
    return run


async def issue_invitation(services: Services, case_ref: str, role: str) -> str:
    """A fresh invitation code for a child's participant."""
    async with services.uow() as uow:
        issued = await admin.invite_participant(uow, services.clock(), 14, case_ref, role)
        await uow.commit()
    return issued.code


async def issue_staff_invitation(services: Services, username: str) -> str:
    """A fresh invitation code for a staff member."""
    async with services.uow() as uow:
        issued = await admin.invite_staff(uow, services.clock(), 14, username)
        await uow.commit()
    return issued.code
