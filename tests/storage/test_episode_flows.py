"""The children's tables' flows kept as episodes and children are written equal a recount.

Each step writes as an import, an edit or a sweep does (periods in care and plans imported and
imported again, a child's details corrected, a child erased, a history deleted by retention)
and commits; the rows kept, and their sums kept per month, are then compared with `recount`,
which counts every child again from the episodes and children and adds up their months, on
SQLite and PostgreSQL. The migrations that made the rows and the months count what was stored
before them the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy import insert, select

from bot.app import admin
from bot.app.erasure import erase_child
from bot.bootstrap import Services
from feedback_reports import children_queries as cq
from feedback_reports import metrics_queries as q
from storage.episode_imports import CARE_EPISODES, PLANS, RowKind, import_rows
from storage.imports import read_lines
from storage.models import NO_DAY, CareEpisode, Child, EpisodeFlow, EpisodeMonthCount, PlanEpisode
from storage.uow import UnitOfWork
from tests.storage.kept import Kept, upgraded, writing
from tests.support import FIXED_NOW

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
# E1 starts twice in 2025 and ends twice (once in 2024's period); E2 once each.
CARE = """case_ref,started_on,ended_on,legal_status
E1,2024-05-01,2025-02-10,C2
E1,2025-03-01,2025-05-31,
E1,2025-09-01,,E1
E2,2025-06-01,2025-06-30,V2
"""
PLANS_FILE = """case_ref,started_on,ended_on,category
E1,2025-01-05,2025-04-01,neglect
E2,2025-02-01,,physical
"""
# E2's period ends later, E1's second gets a legal status.
CARE_AGAIN = """case_ref,started_on,ended_on,legal_status
E1,2025-03-01,2025-05-31,C1
E2,2025-06-01,2025-08-31,V2
"""


async def _kept(uow: UnitOfWork) -> Kept:
    f = EpisodeFlow
    columns = (f.child_id, f.population, f.flow, f.day, f.other_day, f.gender, f.ethnicity)
    rows = await uow.session.execute(select(*columns, f.legal_status, f.band, f.birth_date))
    return sorted((tuple(row) for row in rows), key=repr)


async def _months(uow: UnitOfWork) -> Kept:
    m = EpisodeMonthCount
    columns = (m.population, m.flow, m.month, m.other_month, m.dimension, m.value, m.n)
    return sorted((tuple(row) for row in await uow.session.execute(select(*columns))), key=repr)


async def _step(services: Services, write: Callable[[UnitOfWork], Awaitable[object]]) -> Kept:
    """Write and commit, then check the rows and months kept against a recount; return the
    rows."""
    async with services.uow() as uow:
        await write(uow)
        await uow.commit()
    async with services.uow() as uow:
        kept, months = await _kept(uow), await _months(uow)
        await uow.episode_flows.recount()
        assert kept == await _kept(uow)
        assert months == await _months(uow)
        # Nothing kept that adds up to none.
        assert all(row[-1] for row in months)
        return kept


def _imported(kind: RowKind, text: str) -> Callable[[UnitOfWork], Awaitable[object]]:
    columns = tuple(text.splitlines()[0].split(","))
    return lambda uow: import_rows(
        kind, uow, read_lines(text.splitlines(True), columns), FIXED_NOW
    )


async def _children(services: Services, model: type[CareEpisode], column: str) -> int:
    """Children the year's flow table counts, as the report reads it."""
    async with services.uow() as uow:
        rows = await uow.session.execute(cq.flow_query(model, *YEAR, column))
        return sum(int(row.children) for row in rows)


async def test_kept_flows_equal_a_recount_after_every_write(services: Services) -> None:
    ids: dict[str, int] = {}

    async def children(uow: UnitOfWork) -> None:
        born = date(2020, 2, 29)
        for case_ref, details in (
            ("E1", {"birth_date": born, "gender": "1", "legal_status": "C2"}),
            ("E2", {"ethnicity": "WBRI"}),
        ):
            child = await admin.add_child(uow, case_ref, FIXED_NOW, **details)
            await uow.flush()
            ids[case_ref] = child.id

    await _step(services, children)
    care = await _step(services, _imported(CARE_EPISODES, CARE))
    # Each child once: E1 by their first start and last end in the year.
    assert await _children(services, CareEpisode, "started_on") == 2
    assert await _children(services, CareEpisode, "ended_on") == 2
    assert len(care) == 11  # four starts, three ends, four spans
    async with services.uow() as uow:
        query = cq.on_date_query(CareEpisode, YEAR[1], q.dialect_of(uow.session))
        assert [int(row.children) for row in await uow.session.execute(query)] == [1]
    plans = await _step(services, _imported(PLANS, PLANS_FILE))
    assert len(plans) == len(care) + 5
    again = await _step(services, _imported(CARE_EPISODES, CARE_AGAIN))
    assert again != plans

    async def corrected(uow: UnitOfWork) -> None:
        child = await uow.session.get(Child, ids["E1"])
        assert child is not None
        child.gender, child.birth_date = "2", date(2019, 1, 1)

    corrected_rows = await _step(services, corrected)
    assert {row[5] for row in corrected_rows if row[0] == ids["E1"]} == {"2"}

    # Erased: E2's period in care keeps its dates, without its legal status (it had V2).
    await erase_child(services, "E2")
    erased = await _step(services, UnitOfWork.flush)
    assert {row[7] for row in erased if row[0] == ids["E2"] and row[1] == "in_care"} == {None}

    async def swept(uow: UnitOfWork) -> None:
        await uow.retention.delete_histories([ids["E1"]])

    assert {row[0] for row in await _step(services, swept)} == {ids["E2"]}


def test_upgrading_keeps_the_flows_of_what_was_stored_as_the_unit_of_work_does(
    database_url: str,
) -> None:
    migrated = upgraded(
        database_url, "0023", _seed_episodes, _kept, lambda uow: uow.episode_flows.recount()
    )
    # Born 10 March 2016: 7 to 9 on these days, so 5-9.
    born = date(2016, 3, 10)
    assert [row for row in migrated if row[1] == "in_care"] == [
        (1, "in_care", "ended", date(2025, 3, 10), None, "1", None, "C2", "5_9", born),
        (1, "in_care", "open", date(2024, 1, 1), date(2025, 3, 10), "1", None, "C2", None, born),
        (1, "in_care", "open", date(2025, 4, 1), None, "1", None, None, None, born),
        (1, "in_care", "started", date(2024, 1, 1), None, "1", None, "C2", "5_9", born),
        (
            1,
            "in_care",
            "started",
            date(2025, 4, 1),
            date(2024, 1, 1),
            "1",
            None,
            None,
            "5_9",
            born,
        ),
    ]


def test_upgrading_adds_up_the_months_of_what_was_stored_as_the_unit_of_work_does(
    database_url: str,
) -> None:
    migrated = upgraded(
        database_url, "0023", _seed_episodes, _months, lambda uow: uow.episode_flows.recount()
    )
    # Born in March 2016, in care from January 2024 to March 2025 (9 from March 2025), and
    # again from April 2025, still: 10 in March 2026 and 16 in March 2032.
    care = [row[2:] for row in migrated if row[:2] == ("in_care", "open") and row[4] == "band"]
    assert care == [
        (date(2024, 1, 1), NO_DAY, "band", "5_9", 1),
        (date(2025, 3, 1), NO_DAY, "band", "5_9", -1),
        (date(2025, 4, 1), NO_DAY, "band", "5_9", 1),
        (date(2026, 3, 1), NO_DAY, "band", "10_15", 1),
        (date(2026, 3, 1), NO_DAY, "band", "5_9", -1),
        (date(2032, 3, 1), NO_DAY, "band", "10_15", -1),
        (date(2032, 3, 1), NO_DAY, "band", "16_plus", 1),
    ]
    started = [row[2:] for row in migrated if row[:2] == ("in_care", "started")]
    assert (date(2025, 4, 1), date(2024, 1, 1), "legal_status", "", 1) in started


async def _seed_episodes(database_url: str) -> None:
    """A child with two periods in care (one open) and a plan, as stored before 0024."""
    made = FIXED_NOW
    async with writing(database_url) as connection:
        await connection.execute(
            insert(Child.__table__).values(
                id=1, case_ref="C1", birth_date=date(2016, 3, 10), gender="1", created_at=made
            )
        )
        await connection.execute(
            insert(CareEpisode.__table__),
            [
                {"id": 1, "child_id": 1, "started_on": date(2024, 1, 1)}
                | {"ended_on": date(2025, 3, 10), "legal_status": "C2", "created_at": made},
                {"id": 2, "child_id": 1, "started_on": date(2025, 4, 1)}
                | {"ended_on": None, "legal_status": None, "created_at": made},
            ],
        )
        await connection.execute(
            insert(PlanEpisode.__table__).values(
                id=1, child_id=1, started_on=date(2025, 1, 1), category="neglect", created_at=made
            )
        )
