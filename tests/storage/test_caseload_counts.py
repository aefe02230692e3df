"""The IROs' allocations kept per month as allocations are written equal a recount, and the
caseloads read from them equal the children allocated on the day.

Each step writes as an import, an edit or a sweep does (allocations imported and imported
again, one moved to another IRO, one deleted, a child erased, a history deleted by
retention) and commits; the months kept are then compared with `recount`, which counts every
month again from the allocations, on SQLite and PostgreSQL, and each IRO's caseload on a few
days with the allocations open then. The migration that made the months counts what was
stored before it the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy import insert, or_, select

from bot.app import admin
from bot.app.erasure import erase_child
from bot.bootstrap import Services
from feedback_reports import children_queries as cq
from storage.episode_imports import ALLOCATIONS, import_rows
from storage.imports import read_lines
from storage.models import AllocationMonthCount, Child, IroAllocation, Staff
from storage.uow import UnitOfWork
from tests.storage.kept import Kept, upgraded, writing
from tests.support import FIXED_NOW

ALLOCATED = """case_ref,iro_username,started_on,ended_on
A1,iro_a,2024-11-15,2025-03-10
A1,iro_b,2025-03-10,
A2,iro_a,2025-01-01,2025-01-01
A2,iro_a,2025-02-01,2025-06-30
A3,iro_b,2025-03-31,
"""
# A2's second allocation ends later; A3's goes to another IRO.
ALLOCATED_AGAIN = """case_ref,iro_username,started_on,ended_on
A2,iro_a,2025-02-01,2025-09-30
A3,iro_a,2025-03-31,
"""
# Days a caseload is read on: a month's first and last, the day one ends as another starts.
DAYS = [date(2025, m, d) for m, d in ((1, 1), (2, 28), (3, 10), (3, 31), (6, 30), (10, 1))]


async def _kept(uow: UnitOfWork) -> Kept:
    k = AllocationMonthCount
    rows = await uow.session.execute(select(k.iro_id, k.month, k.started, k.ended))
    return sorted(tuple(row) for row in rows)


async def _caseloads(uow: UnitOfWork) -> dict[date, Counter[str]]:
    """Each day's caseloads as the report reads them, checked against the allocations."""
    found = {}
    for day in DAYS:
        read = Counter(
            {str(name): int(n) for _, name, n in await uow.session.execute(cq.caseload_query(day))}
        )
        a = IroAllocation
        open_then = await uow.session.scalars(
            select(Staff.name)
            .join(a, a.iro_id == Staff.id)
            .where(a.started_on <= day, or_(a.ended_on.is_(None), a.ended_on > day))
        )
        assert read == Counter(open_then), day
        found[day] = read
    return found


async def _step(
    services: Services, write: Callable[[UnitOfWork], Awaitable[object]]
) -> dict[date, Counter[str]]:
    """Write and commit, then check the months kept against a recount and the caseloads
    against the allocations; return the caseloads."""
    async with services.uow() as uow:
        await write(uow)
        await uow.commit()
    async with services.uow() as uow:
        kept = await _kept(uow)
        caseloads = await _caseloads(uow)
        await uow.caseload_counts.recount()
        assert kept == await _kept(uow)
        return caseloads


def _imported(text: str) -> Callable[[UnitOfWork], Awaitable[object]]:
    columns = tuple(text.splitlines()[0].split(","))
    return lambda uow: import_rows(
        ALLOCATIONS, uow, read_lines(text.splitlines(True), columns), FIXED_NOW
    )


async def test_kept_months_equal_a_recount_and_the_caseloads_after_every_write(
    services: Services,
) -> None:
    ids: dict[str, int] = {}

    async def people(uow: UnitOfWork) -> None:
        for username in ("iro_a", "iro_b"):
            await admin.add_staff(uow, username, username.upper(), "iro", None, FIXED_NOW)
        for case_ref in ("A1", "A2", "A3"):
            child = await admin.add_child(uow, case_ref, FIXED_NOW)
            await uow.flush()
            ids[case_ref] = child.id

    await _step(services, people)
    first = await _step(services, _imported(ALLOCATED))
    # A1 moves from A to B on 10 March; A2's first allocation ends the day it starts.
    assert first[date(2025, 3, 10)] == Counter({"IRO_B": 1, "IRO_A": 1})
    assert first[date(2025, 1, 1)] == Counter({"IRO_A": 1})
    again = await _step(services, _imported(ALLOCATED_AGAIN))
    assert again[date(2025, 6, 30)] == Counter({"IRO_A": 2, "IRO_B": 1})

    async def moved(uow: UnitOfWork) -> None:
        # A1's first allocation was IRO B's after all, and from a month later.
        allocation = await uow.session.scalar(
            select(IroAllocation).where(IroAllocation.started_on == date(2024, 11, 15))
        )
        assert allocation is not None
        iro_b = await uow.staff.by_username("iro_b")
        assert iro_b is not None
        allocation.iro_id, allocation.started_on = iro_b.id, date(2024, 12, 15)

    assert (await _step(services, moved))[date(2025, 2, 28)] == Counter({"IRO_A": 1, "IRO_B": 1})

    async def deleted(uow: UnitOfWork) -> None:
        allocation = await uow.session.scalar(
            select(IroAllocation).where(IroAllocation.ended_on == date(2025, 1, 1))
        )
        await uow.session.delete(allocation)

    await _step(services, deleted)
    # An erasure keeps the child's history (the report's figures stay).
    await erase_child(services, "A3")
    erased = await _step(services, UnitOfWork.flush)
    assert erased[date(2025, 10, 1)] == Counter({"IRO_B": 1, "IRO_A": 1})

    async def swept(uow: UnitOfWork) -> None:
        await uow.retention.delete_histories([ids["A1"]])

    assert (await _step(services, swept))[date(2025, 10, 1)] == Counter({"IRO_A": 1})


def test_upgrading_counts_the_months_of_the_allocations_stored(database_url: str) -> None:
    migrated = upgraded(
        database_url, "0024", _seed_allocations, _kept, lambda uow: uow.caseload_counts.recount()
    )
    # IRO 1's started in January 2024 and ended in March 2025, IRO 2's both in March.
    assert migrated == [
        (1, date(2024, 1, 1), 1, 0),
        (1, date(2025, 3, 1), 0, 1),
        (2, date(2025, 3, 1), 1, 1),
    ]


async def _seed_allocations(database_url: str) -> None:
    """A child allocated to one IRO, then another from the day the first ended, as stored
    before 0025."""
    made = FIXED_NOW
    async with writing(database_url) as connection:
        await connection.execute(
            insert(Staff.__table__),
            [
                {"id": i, "username": f"iro{i}", "name": f"IRO {i}", "role": "iro"}
                | {"created_at": made}
                for i in (1, 2)
            ],
        )
        await connection.execute(
            insert(Child.__table__).values(id=1, case_ref="C1", created_at=made)
        )
        await connection.execute(
            insert(IroAllocation.__table__),
            [
                {"id": 1, "child_id": 1, "iro_id": 1, "started_on": date(2024, 1, 5)}
                | {"ended_on": date(2025, 3, 10), "created_at": made},
                {"id": 2, "child_id": 1, "iro_id": 2, "started_on": date(2025, 3, 10)}
                | {"ended_on": date(2025, 3, 20), "created_at": made},
            ],
        )
