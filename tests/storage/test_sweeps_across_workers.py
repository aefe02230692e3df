"""Jobs every worker runs (escalation sweeps, retention) do each thing once when run at once.

PostgreSQL row locks, skipped rather than waited for; SQLite has one process.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import admin
from bot.bootstrap import Services
from storage.models import ChildRequest, Flag, RunSummary
from tests.support import FIXED_NOW, add_run

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]

DUE = FIXED_NOW - timedelta(hours=1)


async def _overdue_flag_and_request(services: Services) -> None:
    async with services.uow() as uow:
        child = await admin.add_child(uow, "C001", FIXED_NOW, birth_date=date(2013, 5, 1))
        await uow.flush()
        run = await add_run(uow, telegram_id=1001, child_id=child.id)
        uow.session.add(
            Flag(
                level="urgent",
                categories="harm",
                rules="r1",
                text_cipher=uow.cipher.encrypt("generated example"),
                created_at=DUE,
                respond_by=DUE,
            )
        )
        uow.session.add(
            ChildRequest(
                child_id=child.id,
                participant_id=run.participant_id,
                run_id=run.id,
                flow_id="checkin",
                step_id="talk",
                kind="contact",
                about="to talk to you",
                created_at=DUE,
                escalate_at=DUE,
            )
        )
        await uow.commit()


async def test_a_sweep_skips_what_another_workers_sweep_is_escalating(
    services: Services,
) -> None:
    await _overdue_flag_and_request(services)

    async with services.uow() as first:
        assert len(await first.flags.overdue_urgent(FIXED_NOW, 10)) == 1
        assert len(await first.requests.unseen_overdue(FIXED_NOW, 10)) == 1
        async with services.uow() as second:
            assert await second.flags.overdue_urgent(FIXED_NOW, 10) == []
            assert await second.requests.unseen_overdue(FIXED_NOW, 10) == []
    async with services.uow() as after:  # the first let go without escalating
        assert len(await after.flags.overdue_urgent(FIXED_NOW, 10)) == 1


async def test_retention_run_by_two_workers_at_once_summarises_each_run_once(
    services: Services,
) -> None:
    async with services.uow() as uow:
        child = await admin.add_child(uow, "C001", FIXED_NOW, birth_date=date(2013, 5, 1))
        await uow.flush()
        run_id = (await add_run(uow, telegram_id=1001, child_id=child.id)).id
        await uow.commit()

    async with services.uow() as first:
        await first.kept_figures.delete_runs([run_id])
        async with services.uow() as second, asyncio.timeout(10):
            assert await second.kept_figures.delete_runs([run_id]) == 0
            await second.commit()
        await first.commit()

    async with services.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(RunSummary)) == 1
