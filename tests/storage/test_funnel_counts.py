"""The funnel's rows kept as runs, invitations and children are written equal a recount.

Each step writes as the bot, an import or a sweep does (a child added, invitations made and
claimed, runs started and sent, runs deleted by retention, expired invitations pruned, a
birth date corrected, a child erased) and commits; the rows kept are then compared with
`recount`, which counts every child again from the runs, invitations and summaries, on SQLite
and PostgreSQL. The migration that made the rows counts what was stored before it the same
way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy import insert, select

from bot.app import admin
from bot.app.erasure import erase_child
from bot.bootstrap import Services
from feedback_reports import metrics_queries as q
from storage import models
from storage.models import Child, FunnelCount, FunnelMonthCount, Run
from storage.report_sql import years_before
from storage.repositories import hash_code
from storage.uow import UnitOfWork
from tests.reports.helpers import at, participant, run
from tests.storage.kept import Kept, upgraded, writing
from tests.support import FIXED_NOW

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
# A period the funnel reads day by day: it starts in the middle of a month.
DAY_BY_DAY = (date(2025, 1, 11), date(2025, 11, 30))


async def _kept(uow: UnitOfWork) -> Kept:
    """Each child's rows, then the rows added up per month."""
    f = FunnelCount
    rows = await uow.session.execute(
        select(f.child_id, f.birth_date, f.stage, f.role, f.day, f.previous_day, f.n)
    )
    m = FunnelMonthCount
    months = await uow.session.execute(
        select(m.stage, m.role, m.month, m.previous_month, m.birth_month, m.n)
    )
    return [
        *sorted((tuple(row) for row in rows), key=repr),
        *sorted((("month", *row) for row in months), key=repr),
    ]


def _months(kept: Kept) -> Kept:
    return [row[1:] for row in kept if row[0] == "month"]


async def _step(services: Services, write: Callable[[UnitOfWork], Awaitable[object]]) -> Kept:
    """Write and commit, then check the rows kept against a recount; return them."""
    async with services.uow() as uow:
        await write(uow)
        await uow.commit()
    return await _checked(services)


async def _checked(services: Services) -> Kept:
    async with services.uow() as uow:
        kept = await _kept(uow)
        await uow.funnel_counts.recount()
        assert kept == await _kept(uow)
        return kept


async def _funnel(services: Services) -> dict[tuple[str, str], int]:
    """The year's funnel as the report reads it: people (or invitations) by stage and role.

    Checked, with a period read day by day (it starts mid-month), against the same added up
    here from the rows kept per child.
    """
    async with services.uow() as uow:
        dialect = q.dialect_of(uow.session)
        found = {}
        for period in (YEAR, DAY_BY_DAY):
            rows = await uow.session.execute(q.funnel_query(*period, dialect))
            counted = ("n", "unknown", "under_8", "under_13")
            found[period] = {
                (row.stage, row.role): tuple(int(getattr(row, name)) for name in counted)
                for row in rows
            }
            assert found[period] == await _added_up(uow, *period), period
        return {key: counts[0] for key, counts in found[YEAR].items()}


async def _added_up(
    uow: UnitOfWork, start: date, end: date
) -> dict[tuple[str, str], tuple[int, ...]]:
    """The funnel of [start, end] from the rows kept per child, as the report defines it."""
    bounds = [years_before(end, years) for years in (8, 13)]
    found: dict[tuple[str, str], list[int]] = {}
    for row in await uow.session.scalars(select(FunnelCount)):
        if start <= row.day <= end and (row.previous_day is None or row.previous_day < start):
            born = row.birth_date
            flags = [born is None, *(born is not None and born > bound for bound in bounds)]
            counts = found.setdefault((row.stage, row.role), [0, 0, 0, 0])
            for index, counted in enumerate((True, *flags)):
                counts[index] += row.n if counted else 0
    return {key: tuple(counts) for key, counts in found.items()}


def _invitation(child_id: int, role: str, code: str) -> models.Invitation:
    return models.Invitation(
        code_hash=hash_code(code),
        role=role,
        child_id=child_id,
        created_at=at("2025-01-10"),
        expires_at=at("2025-01-24"),
    )


async def test_kept_funnel_rows_equal_a_recount_after_every_write(services: Services) -> None:
    ids: dict[str, int] = {}

    async def children(uow: UnitOfWork) -> None:
        for case_ref, born in (("K1", date(2017, 3, 1)), ("K2", None)):
            child = await admin.add_child(uow, case_ref, FIXED_NOW, birth_date=born)
            await uow.flush()
            ids[case_ref] = child.id

    await _step(services, children)

    async def invited(uow: UnitOfWork) -> None:
        for child, role, code in (
            ("K1", "child", "a"),
            ("K1", "parent", "b"),
            ("K2", "child", "c"),
        ):
            uow.invitations.add(_invitation(ids[child], role, code))

    await _step(services, invited)

    async def claimed(uow: UnitOfWork) -> None:
        invitation = await uow.invitations.by_code("a")
        assert invitation is not None
        assert await uow.invitations.claim(invitation, at("2025-01-11"))

    await _step(services, claimed)
    assert (await _funnel(services))[("joined", "child")] == 1

    async def started(uow: UnitOfWork) -> None:
        child = await participant(uow, 1, "child", ids["K1"])
        # Two runs on one day (one person, one day), the second given up, and one still open.
        await run(uow, child, None, "checkin", started="2025-02-01", submitted="2025-02-01")
        await run(uow, child, None, "checkin", started="2025-02-01T15:00", status="cancelled")
        await run(uow, child, None, "checkin", started="2025-02-02", status="waiting")

    started_rows = await _step(services, started)
    assert (await _funnel(services))[("started", "child")] == 1
    # The child's first day of starting (1 February, none before), then the second (the 1st
    # before it), both in February; born in March 2017.
    assert [row for row in _months(started_rows) if row[:2] == ("started", "child")] == [
        ("started", "child", date(2025, 2, 1), date(1, 1, 1), date(2017, 3, 1), 1),
        ("started", "child", date(2025, 2, 1), date(2025, 2, 1), date(2017, 3, 1), 1),
    ]

    async def sent(uow: UnitOfWork) -> None:
        # As the run store sends a run: one statement, not the ORM.
        waiting = await uow.session.scalar(select(Run).where(Run.status == "waiting"))
        assert waiting is not None
        await uow.runs.save_state(waiting, {}, status="submitted", submitted_at=at("2025-02-03"))

    sent_rows = await _step(services, sent)
    assert len([row for row in sent_rows if row[2] == "sent"]) == 2
    assert (await _funnel(services))[("sent", "child")] == 1

    async def retention(uow: UnitOfWork) -> None:
        await uow.kept_figures.delete_runs(list(await uow.session.scalars(select(Run.id))))

    # Deleted into summaries: the same people on the same days.
    assert await _step(services, retention) == sent_rows

    async def pruned(uow: UnitOfWork) -> None:
        assert await uow.housekeeping.prune_expired_invitations(at("2026-01-01"), 10) == 2

    await _step(services, pruned)
    funnel = await _funnel(services)
    assert funnel[("invited", "child")] == 1 and ("invited", "parent") not in funnel

    async def corrected(uow: UnitOfWork) -> None:
        child = await uow.session.get(Child, ids["K1"])
        assert child is not None
        child.birth_date = date(2010, 5, 1)

    before_erasure = await _step(services, corrected)
    assert {row[1] for row in before_erasure if row[0] != "month"} == {date(2010, 5, 1)}
    assert {row[4] for row in _months(before_erasure)} == {date(2010, 5, 1)}

    # Erased: runs and invitations deleted into summaries, the accounts renumbered.
    await erase_child(services, "K1")
    assert await _checked(services) == before_erasure


async def _seed_people(database_url: str) -> None:
    """A child, their account and a parent's, runs on three days (one summarised) and
    invitations made and used, live and summarised, as stored before the rows were kept."""
    made = at("2025-02-01")
    async with writing(database_url) as connection:
        await connection.execute(
            insert(Child.__table__).values(
                id=1, case_ref="C1", birth_date=date(2017, 3, 10), created_at=made
            )
        )
        await connection.execute(
            insert(models.Participant.__table__),
            [
                {"id": 1, "telegram_id": 1, "role": "child", "child_id": 1}
                | {"locale": "en", "created_at": made},
                {"id": 2, "telegram_id": 2, "role": "parent", "child_id": 1}
                | {"locale": "en", "created_at": made},
            ],
        )
        run_row = {"flow_id": "checkin", "flow_version": 1, "state_cipher": b""}
        run_row |= {"version": 1, "review_id": None}
        await connection.execute(
            insert(Run.__table__),
            [
                run_row
                | {"id": 1, "participant_id": 1, "status": "submitted"}
                | {"started_at": at("2025-03-04T23:30"), "updated_at": made}
                | {"submitted_at": at("2025-03-04T23:30")},
                run_row
                | {"id": 2, "participant_id": 1, "status": "waiting"}
                | {"started_at": at("2025-03-06"), "updated_at": made, "submitted_at": None},
            ],
        )
        summary = {"child_id": 1, "review_id": None, "flow_id": "checkin"}
        await connection.execute(
            insert(models.RunSummary.__table__),
            [
                summary
                | {"id": 1, "participant_key": 1, "role": "child", "status": "submitted"}
                | {"started_at": at("2025-03-01"), "submitted_at": at("2025-03-02")},
                summary
                | {"id": 2, "participant_key": -2, "role": "parent", "status": "waiting"}
                | {"started_at": at("2025-03-01"), "submitted_at": None},
            ],
        )
        await connection.execute(
            insert(models.Invitation.__table__)
            .values(id=1, code_hash="a" * 64, role="child", child_id=1, created_at=made)
            .values(expires_at=at("2025-02-15"), used_at=at("2025-02-02"))
        )
        await connection.execute(
            insert(models.InvitationSummary.__table__).values(
                id=1, child_id=1, role="parent", created_at=made, used_at=None
            )
        )


def test_upgrading_keeps_the_funnel_rows_of_what_was_stored_as_the_unit_of_work_does(
    database_url: str,
) -> None:
    born = date(2017, 3, 10)  # the child's, as seeded
    migrated = upgraded(
        database_url, "0021", _seed_people, _kept, lambda uow: uow.funnel_counts.recount()
    )
    # The child's days of starting: the summary's, then the live runs' (23:30 UTC is the 4th).
    started = [row for row in migrated if row[2:4] == ("started", "child")]
    assert started == [
        (1, born, "started", "child", date(2025, 3, 1), None, 1),
        (1, born, "started", "child", date(2025, 3, 4), date(2025, 3, 1), 1),
        (1, born, "started", "child", date(2025, 3, 6), date(2025, 3, 4), 1),
    ]
    assert [row for row in migrated if row[2] in ("invited", "joined")] == [
        (1, born, "invited", "child", date(2025, 2, 1), None, 1),
        (1, born, "invited", "parent", date(2025, 2, 1), None, 1),
        (1, born, "joined", "child", date(2025, 2, 2), None, 1),
    ]
