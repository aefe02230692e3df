"""Read-side queries for the review-record summary (SQLAlchemy over `storage.models`).

Reports only read; every write (the audit event) goes through the repositories. Visibility is
applied here, in SQL, so a run the participant did not share with a reader is never loaded
for that reader at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.sharing import IRO_ONLY, Reader, choices_shown_to
from storage.models import Answer, ChildRequest, Flag, Participant, Review, Run


def visible_to(reader: Reader) -> ColumnElement[bool]:
    """Return the condition on `run.share_with` for runs this reader may see.

    NULL means the participant was never asked (a check-in, a parent's feedback): `IRO_ONLY`.
    """
    allowed = Run.share_with.in_(choices_shown_to(reader))
    return or_(allowed, Run.share_with.is_(None)) if reader in IRO_ONLY.readers else allowed


async def submitted_runs(
    session: AsyncSession, review_id: int, reader: Reader
) -> list[tuple[Run, str]]:
    """Return the submitted runs for a review that `reader` may see, with the author's role."""
    query = (
        select(Run, Participant.role)
        .join(Participant, Participant.id == Run.participant_id)
        .where(Run.review_id == review_id, Run.status == "submitted", visible_to(reader))
        .order_by(Run.submitted_at, Run.id)
    )
    return [(run, role) for run, role in (await session.execute(query)).all()]


async def withheld_child_runs(session: AsyncSession, review_id: int, reader: Reader) -> int:
    """Count the child's runs for a review sent but not shared with `reader`."""
    # A run with no choice recorded is the IRO's alone (see `visible_to`).
    no_choice = Run.share_with.is_(None) if reader not in IRO_ONLY.readers else false()
    query = (
        select(func.count(Run.id))
        .join(Participant, Participant.id == Run.participant_id)
        .where(
            Run.review_id == review_id,
            Run.status == "submitted",
            Participant.role == "child",
            or_(~visible_to(reader), no_choice),
        )
    )
    return int(await session.scalar(query) or 0)


async def checkins_between(
    session: AsyncSession, child_id: int, after: date | None, until: date, reader: Reader
) -> list[Run]:
    """Return a child's submitted check-ins not tied to a review, in (after, until]."""
    query = (
        select(Run)
        .join(Participant, Participant.id == Run.participant_id)
        .where(
            Participant.child_id == child_id,
            Participant.role == "child",
            Run.review_id.is_(None),
            Run.status == "submitted",
            Run.submitted_at < _day_start(until + timedelta(days=1)),
            visible_to(reader),
        )
        .order_by(Run.submitted_at, Run.id)
    )
    if after is not None:
        query = query.where(Run.submitted_at >= _day_start(after + timedelta(days=1)))
    return list((await session.scalars(query)).all())


async def answers_by_run(session: AsyncSession, run_ids: Sequence[int]) -> dict[int, list[Answer]]:
    """Return the answers of the given runs, in the order they were stored."""
    grouped: dict[int, list[Answer]] = defaultdict(list)
    if not run_ids:
        return grouped
    query = select(Answer).where(Answer.run_id.in_(run_ids)).order_by(Answer.run_id, Answer.id)
    for answer in await session.scalars(query):
        grouped[answer.run_id].append(answer)
    return grouped


async def previous_review(session: AsyncSession, review: Review) -> Review | None:
    """Return the child's review or conference due before this one, if any."""
    query = (
        select(Review)
        .where(Review.child_id == review.child_id, Review.due_date < review.due_date)
        .order_by(Review.due_date.desc(), Review.id.desc())
    )
    return await session.scalar(query)


async def default_review(session: AsyncSession, child_id: int, today: date) -> Review | None:
    """Return the review a reader most likely means: the next one not held, else the latest."""
    upcoming = (
        select(Review)
        .where(Review.child_id == child_id, Review.held_on.is_(None), Review.due_date >= today)
        .order_by(Review.due_date, Review.id)
    )
    found = await session.scalar(upcoming)
    if found is not None:
        return found
    latest = select(Review).where(Review.child_id == child_id)
    return await session.scalar(latest.order_by(Review.due_date.desc(), Review.id.desc()))


async def flags_for(session: AsyncSession, child_id: int, run_ids: Sequence[int]) -> list[Flag]:
    """Return the child's flags raised on these runs, and any flag not yet closed."""
    related = Flag.run_id.in_(run_ids) if run_ids else Flag.id.is_(None)
    query = (
        select(Flag)
        .where(Flag.child_id == child_id, or_(related, Flag.status != "closed"))
        .order_by(Flag.created_at, Flag.id)
    )
    return list((await session.scalars(query)).all())


async def requests_for(
    session: AsyncSession, child_id: int, run_ids: Sequence[int]
) -> list[ChildRequest]:
    """Return the child's requests made in these runs, and any request not yet done."""
    related = ChildRequest.run_id.in_(run_ids) if run_ids else ChildRequest.id.is_(None)
    query = (
        select(ChildRequest)
        .where(ChildRequest.child_id == child_id, or_(related, ChildRequest.status != "done"))
        .order_by(ChildRequest.created_at, ChildRequest.id)
    )
    return list((await session.scalars(query)).all())


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
