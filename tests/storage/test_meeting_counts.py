"""The meetings' counts kept as meetings and children are written equal a recount from the rows.

Each step writes as the bot does (imports, an IRO's outcome, a child sending views, a child's
details corrected) and commits; the counts kept are then compared with `recount`, which counts
every day again from the meetings and children, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy import select

from bot.bootstrap import Services
from storage.imports import import_children, import_reviews, read_lines
from storage.models import MeetingCount, Review
from storage.uow import UnitOfWork
from tests.reports.helpers import participant, run
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

Kept = list[tuple[object, ...]]


async def _kept(uow: UnitOfWork) -> Kept:
    c = MeetingCount
    columns = (c.held_on, c.kind, c.code, c.band, c.gender, c.held)
    rows = await uow.session.execute(
        select(*columns, c.in_timescale, c.seen_before, c.seen_no, c.views)
    )
    return sorted((tuple(row) for row in rows), key=repr)


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
    assert sum(int(row[5]) for row in first) == 4  # held, of five meetings
    moved = await _step(services, lambda uow: imported(uow, REVIEWS_AGAIN))
    assert moved != first

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
        sent = "2025-02-20"
        await run(uow, child, meeting, "child_before_review", started=sent, submitted=sent)

    sent = await _step(services, views)
    assert sum(int(row[9]) for row in sent) == 1

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
    assert sum(int(row[5]) for row in last) == 4


def _columns(text: str) -> tuple[str, ...]:
    return tuple(text.splitlines()[0].split(","))
