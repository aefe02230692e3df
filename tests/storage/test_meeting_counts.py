"""The meetings' counts kept as meetings and children are written equal a recount from the rows.

Each step writes as the bot does (imports, an IRO's outcome, a child sending views, a child's
details corrected) and commits; the counts kept are then compared with `recount`, which counts
every day again from the meetings, children and runs, on SQLite and PostgreSQL. The migration
that made the counts counts what was stored before it the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

from alembic.script import ScriptDirectory
from sqlalchemy import insert, select

from bot.app.erasure import erase_child
from bot.bootstrap import Services
from storage.database import Database, alembic_config
from storage.imports import import_children, import_reviews, read_lines
from storage.models import (
    Child,
    MeetingCount,
    MeetingDueCount,
    MeetingMonthCount,
    Participant,
    Review,
    Run,
    RunSummary,
    SentBeforeCount,
    SentBeforeMonthCount,
)
from storage.uow import UnitOfWork
from tests.reports.helpers import participant, run
from tests.storage.kept import Kept, upgraded
from tests.support import FIXED_NOW

CHILDREN = """case_ref,birth_date,gender,ethnicity,legal_status,iro_username
K1,2017-03-01,1,WBRI,C2,
K2,2012-02-29,2,WBRI,C2,
K3,,,,,
"""
REVIEWS = """case_ref,kind,due_date,held_on,iro_username,participation,seen_before
K1,cla_review,2025-03-01,2025-02-28,,PN1,yes
K1,icpc,2025-06-01,2025-06-03,,,
K2,cla_review,2025-03-01,2025-03-01,,PN5,no
K3,rcpc,2025-03-01,2025-02-28,,PN7,
K3,cla_review,2025-09-01,,,,
"""
# Moves one meeting to another day, codes another, and holds the one not held.
REVIEWS_AGAIN = """case_ref,kind,due_date,held_on,iro_username,participation,seen_before
K1,cla_review,2025-03-01,2025-03-02,,PN1,yes
K2,cla_review,2025-03-01,2025-03-01,,PN2,yes
K3,cla_review,2025-09-01,2025-09-01,,PN0,
"""


async def _kept(uow: UnitOfWork) -> Kept:
    """The meetings' counts, then the counts of children's runs sent before their meetings,
    then the meetings' counts added up per month."""
    c = MeetingCount
    columns = (c.held_on, c.kind, c.code, c.band, c.gender, c.held)
    rows = await uow.session.execute(
        select(*columns, c.in_timescale, c.seen_before, c.seen_no, c.views)
    )
    sent = await uow.session.execute(
        select(SentBeforeCount.held_on, SentBeforeCount.days, SentBeforeCount.runs)
    )
    m = MeetingMonthCount
    months = await uow.session.execute(
        select(m.month, m.kind, m.code, m.band, m.gender, m.held, m.views)
    )
    s = SentBeforeMonthCount
    sent_months = await uow.session.execute(select(s.month, s.days, s.runs))
    d = MeetingDueCount
    due = await uow.session.execute(select(d.due_date, d.kind, d.held_on, d.n))
    return [
        *sorted((tuple(row) for row in rows), key=repr),
        *sorted((("sent", *row) for row in sent), key=repr),
        *sorted((("month", *row) for row in months), key=repr),
        *sorted((("sent_month", *row) for row in sent_months), key=repr),
        *sorted((("due", *row) for row in due), key=repr),
    ]


def _months(kept: Kept) -> Kept:
    return [row for row in kept if row[0] == "month"]


def _meetings(kept: Kept) -> Kept:
    return [row for row in kept if row[0] not in ("sent", "month", "sent_month", "due")]


def _labelled(kept: Kept, label: str) -> Kept:
    return [row[1:] for row in kept if row[0] == label]


async def _kept_and_recounted(services: Services) -> tuple[Kept, Kept]:
    async with services.uow() as uow:
        kept = await _kept(uow)
        await uow.meeting_counts.recount()
        return kept, await _kept(uow)


async def _step(services: Services, write: Callable[[UnitOfWork], Awaitable[object]]) -> Kept:
    async with services.uow() as uow:
        await write(uow)
        await uow.commit()
    kept, recounted = await _kept_and_recounted(services)
    assert kept == recounted
    return kept


async def test_kept_meeting_counts_equal_a_recount_after_every_write(services: Services) -> None:
    async def imported(uow: UnitOfWork, text: str) -> None:
        await import_reviews(uow, read_lines(text.splitlines(True), _columns(text)), FIXED_NOW)

    async def children(uow: UnitOfWork) -> None:
        await import_children(
            uow, read_lines(CHILDREN.splitlines(True), _columns(CHILDREN)), FIXED_NOW
        )

    await _step(services, children)
    first = await _step(services, lambda uow: imported(uow, REVIEWS))
    assert sum(int(row[5]) for row in _meetings(first)) == 4  # held, of five meetings
    # Four held in February, March and June 2025 (a month's rows add up its days').
    assert sum(int(row[6]) for row in _months(first)) == 4
    moved = await _step(services, lambda uow: imported(uow, REVIEWS_AGAIN))
    assert moved != first
    # Three due on 1 March 2025 were held then, the day after and the day before.
    assert sorted(row[2] for row in _labelled(moved, "due") if row[0] == date(2025, 3, 1)) == [
        date(2025, 2, 28),
        date(2025, 3, 1),
        date(2025, 3, 2),
    ]
    # One moved from 28 February into March, one held in September.
    assert {row[1] for row in _months(moved)} == {date(2025, m, 1) for m in (2, 3, 6, 9)}

    async def outcome(uow: UnitOfWork) -> None:
        # As an IRO's outcome form sets them (bot.app.outcomes).
        meeting = await uow.session.scalar(select(Review).where(Review.kind == "icpc"))
        assert meeting is not None
        meeting.in_timescale, meeting.seen_before, meeting.participation = False, True, "PN3"

    recorded = await _step(services, outcome)
    assert recorded != moved

    async def views(uow: UnitOfWork) -> None:
        meeting = await uow.session.scalar(select(Review).where(Review.kind == "rcpc"))
        assert meeting is not None
        child = await participant(uow, 300, "child", meeting.child_id)
        # Eight days before the meeting, and one after it (not counted as before).
        for day in ("2025-02-20", "2025-03-03"):
            await run(uow, child, meeting, "child_before_review", started=day, submitted=day)

    sent = await _step(services, views)
    assert sum(int(row[9]) for row in _meetings(sent)) == 1
    assert [row for row in sent if row[0] == "sent"] == [("sent", date(2025, 2, 28), 8, 1)]
    assert _labelled(sent, "sent_month") == [(date(2025, 2, 1), 8, 1)]

    async def corrected(uow: UnitOfWork) -> None:
        # A child's birth date and gender corrected: every meeting of theirs moves band.
        child = await uow.children.by_case_ref("K3")
        assert child is not None
        child.birth_date, child.gender = date(2020, 1, 1), "2"

    assert await _step(services, corrected) != sent

    async def not_held(uow: UnitOfWork) -> None:
        meeting = await uow.session.scalar(select(Review).where(Review.kind == "rcpc"))
        assert meeting is not None
        meeting.held_on = None

    last = await _step(services, not_held)
    assert sum(int(row[5]) for row in _meetings(last)) == 4
    assert not [row for row in last if row[0] in ("sent", "sent_month")]
    # The conference due on 1 March 2025 is not held any more.
    assert (date(2025, 3, 1), "rcpc", None, 1) in _labelled(last, "due")

    async def deleted(uow: UnitOfWork) -> None:
        meeting = await uow.session.scalar(select(Review).where(Review.kind == "icpc"))
        assert meeting is not None
        await uow.session.delete(meeting)

    gone = await _step(services, deleted)
    assert [row for row in _labelled(gone, "due") if row[1] == "icpc"] == []

    # Erased: the child's runs deleted into summaries, their meetings' counts unchanged.
    await erase_child(services, "K3")
    kept, recounted = await _kept_and_recounted(services)
    assert kept == recounted == gone


def _columns(text: str) -> tuple[str, ...]:
    return tuple(text.splitlines()[0].split(","))


async def _seed_meetings(database_url: str) -> None:
    """Meetings held and not, a child's run sent before one and a deleted run's summary."""
    database = Database.connect(database_url)
    at = datetime(2025, 3, 4, 23, 30, tzinfo=UTC)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                insert(Child.__table__),
                [
                    {"id": 1, "case_ref": "C1", "birth_date": date(2017, 3, 10)}
                    | {"gender": "1", "created_at": at},
                    {"id": 2, "case_ref": "C2", "birth_date": None}
                    | {"gender": None, "created_at": at},
                ],
            )
            meeting = {"kind": "cla_review", "created_at": at, "held_on": None}
            meeting |= {"participation": None, "seen_before": None, "views_sent_on": None}
            await connection.execute(
                insert(Review.__table__),
                [
                    meeting
                    | {"id": 1, "child_id": 1, "due_date": date(2025, 3, 9)}
                    | {"held_on": date(2025, 3, 10), "participation": "PN1", "seen_before": True},
                    meeting
                    | {"id": 2, "child_id": 2, "due_date": date(2025, 3, 10)}
                    | {"held_on": date(2025, 3, 10), "views_sent_on": date(2025, 3, 5)},
                    meeting | {"id": 3, "child_id": 2, "due_date": date(2025, 6, 1)},
                ],
            )
            await connection.execute(
                insert(Participant.__table__).values(
                    id=1, telegram_id=1, role="child", child_id=2, locale="en", created_at=at
                )
            )
            await connection.execute(
                insert(Run.__table__)
                .values(id=1, participant_id=1, review_id=2, flow_id="child_before_review")
                .values(flow_version=1, status="submitted", state_cipher=b"", version=1)
                .values(started_at=at, updated_at=at, submitted_at=at)
            )
            await connection.execute(
                insert(RunSummary.__table__)
                .values(id=1, child_id=2, review_id=2, participant_key=-1, role="child")
                .values(flow_id="child_before_review", status="submitted")
                .values(started_at=at, submitted_at=at - timedelta(days=3))
            )
    finally:
        await database.dispose()


def test_upgrading_counts_the_meetings_stored_as_the_unit_of_work_counts_them(
    database_url: str,
) -> None:
    config = alembic_config(database_url)
    scripts = ScriptDirectory.from_config(config)
    counts = next(s for s in scripts.walk_revisions() if s.path.endswith("_meeting_counts.py"))
    assert isinstance(counts.down_revision, str)
    migrated = upgraded(
        database_url,
        counts.down_revision,
        _seed_meetings,
        _kept,
        lambda uow: uow.meeting_counts.recount(),
    )
    held = date(2025, 3, 10)
    # C1 is 8 on the day. The run sent at 23:30 UTC on 4 March is six days before; the deleted
    # run's, three days earlier, nine.
    assert migrated == [
        (held, "cla_review", "PN1", "8_12", "1", 1, 0, 1, 0, 0),
        (held, "cla_review", "not_recorded", "unknown", None, 1, 1, 0, 0, 1),
        ("sent", held, 6, 1),
        ("sent", held, 9, 1),
        ("month", date(2025, 3, 1), "cla_review", "PN1", "8_12", "1", 1, 0),
        ("month", date(2025, 3, 1), "cla_review", "not_recorded", "unknown", None, 1, 1),
        ("sent_month", date(2025, 3, 1), 6, 1),
        ("sent_month", date(2025, 3, 1), 9, 1),
        # Due on the day and the day before, both held then; one due in June, not held.
        ("due", date(2025, 3, 10), "cla_review", held, 1),
        ("due", date(2025, 3, 9), "cla_review", held, 1),
        ("due", date(2025, 6, 1), "cla_review", None, 1),
    ]
