"""What the retention limits find past their time: count it, or delete it a batch at a time.

A child's answers, runs and notes are past their time when the child's last meeting (held,
or due if not held yet; when the child was added if no meeting is recorded) is older than
the limit, and the run itself was last touched before it too. Closed flags follow the same
rule with their own limit; an open flag is never deleted. Audit events go by their own date.
A child's history (periods in care, plans, IRO allocations, challenges) goes as a whole once
the child's last meeting, the end of the last of them and the last challenge's raising and
resolution are all older than its limit; never while one is open or unresolved.
Each `*_past` query returns ids oldest first, at most `limit`, so a caller deletes in short
transactions.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, func, or_, select, update

from storage.models import (
    Answer,
    AuditEvent,
    CareEpisode,
    Challenge,
    Child,
    Flag,
    IroAllocation,
    OutboxMessage,
    Participant,
    PlanEpisode,
    Review,
    Run,
)
from storage.repositories.base import Repository
from storage.repositories.caseload_counts import note_allocations
from storage.repositories.episode_flows import note_episode_children


def children_past(before: datetime) -> Select[int]:
    """Ids of children whose last meeting (or, with none, their adding) is before `before`."""
    day = before.date()
    met_since = exists().where(
        Review.child_id == Child.id, func.coalesce(Review.held_on, Review.due_date) >= day
    )
    ever_met = exists().where(Review.child_id == Child.id)
    return select(Child.id).where(~met_since, ever_met | (Child.created_at < before))


# A child's history, by the name its count goes by; the periods first, then the challenges.
Period = type[CareEpisode] | type[PlanEpisode] | type[IroAllocation]
PERIODS: dict[str, Period] = {
    "care_episodes": CareEpisode,
    "plans": PlanEpisode,
    "iro_allocations": IroAllocation,
}
HISTORY: dict[str, Period | type[Challenge]] = {**PERIODS, "challenges": Challenge}


def _history_live_since(day: date) -> ColumnElement[bool]:
    """Whether a child's history has anything open, unresolved, or dated on or after `day`."""
    periods = [
        exists().where(
            period.child_id == Child.id, or_(period.ended_on.is_(None), period.ended_on >= day)
        )
        for period in PERIODS.values()
    ]
    challenges = exists().where(
        Challenge.child_id == Child.id,
        or_(
            Challenge.resolved_on.is_(None),
            Challenge.resolved_on >= day,
            Challenge.raised_on >= day,
        ),
    )
    return or_(*periods, challenges)


def _histories_past(before: datetime) -> Select[int]:
    """Ids of children with a history, all of it (and their last meeting) before `before`."""
    day = before.date()
    met_since = exists().where(
        Review.child_id == Child.id, func.coalesce(Review.held_on, Review.due_date) >= day
    )
    has_history = or_(*(exists().where(row.child_id == Child.id) for row in HISTORY.values()))
    return select(Child.id).where(has_history, ~met_since, ~_history_live_since(day))


def _runs_past(before: datetime) -> Select[int]:
    children = children_past(before)
    their_reviews = select(Review.id).where(Review.child_id.in_(children))
    return (
        select(Run.id)
        .join(Participant, Participant.id == Run.participant_id)
        .where(
            Run.updated_at < before,
            Participant.child_id.in_(children) | Run.review_id.in_(their_reviews),
        )
    )


def _notes_past(before: datetime) -> Select[int]:
    return select(Review.id).where(
        Review.note_to_child_cipher.is_not(None), Review.child_id.in_(children_past(before))
    )


def _flags_past(before: datetime) -> Select[int]:
    return select(Flag.id).where(
        Flag.status == "closed",
        func.coalesce(Flag.closed_at, Flag.created_at) < before,
        Flag.child_id.is_(None) | Flag.child_id.in_(children_past(before)),
    )


class RetentionQueries(Repository):
    """Finds and deletes what is past its keeping period; the caller commits each batch."""

    async def runs_past(self, before: datetime, limit: int) -> list[int]:
        """Runs (with their answers) of children past the limit, oldest first."""
        return await self._first(_runs_past(before), Run.id, limit)

    async def count_runs_past(self, before: datetime) -> tuple[int, int]:
        """How many runs, and how many answers in them, are past the limit."""
        runs = _runs_past(before)
        answers = select(Answer.id).where(Answer.run_id.in_(runs))
        return await self._count(runs), await self._count(answers)

    async def notes_past(self, before: datetime, limit: int) -> list[int]:
        """Reviews whose note to the child is past the limit."""
        return await self._first(_notes_past(before), Review.id, limit)

    async def count_notes_past(self, before: datetime) -> int:
        return await self._count(_notes_past(before))

    async def clear_notes(self, review_ids: list[int]) -> None:
        await self.session.execute(
            update(Review).where(Review.id.in_(review_ids)).values(note_to_child_cipher=None)
        )

    async def flags_past(self, before: datetime, limit: int) -> list[int]:
        """Closed flags past the limit for flags."""
        return await self._first(_flags_past(before), Flag.id, limit)

    async def count_flags_past(self, before: datetime) -> int:
        return await self._count(_flags_past(before))

    async def delete_flags(self, flag_ids: list[int]) -> None:
        """Delete flags, with any message about them still in the outbox."""
        await self.session.execute(
            delete(OutboxMessage).where(OutboxMessage.flag_id.in_(flag_ids))
        )
        await self.session.execute(delete(Flag).where(Flag.id.in_(flag_ids)))

    async def histories_past(self, before: datetime, limit: int) -> list[int]:
        """Children whose whole history is past the limit for it, lowest id first."""
        return await self._first(_histories_past(before), Child.id, limit)

    async def count_histories_past(self, before: datetime) -> dict[str, int]:
        """How many rows of each kind of history are past the limit, by kind."""
        children = _histories_past(before)
        return {
            kind: await self._count(select(row.id).where(row.child_id.in_(children)))
            for kind, row in HISTORY.items()
        }

    async def delete_histories(self, child_ids: list[int]) -> dict[str, int]:
        """Delete these children's periods in care, plans, allocations and challenges;
        return how many rows of each kind went."""
        deleted = {}
        # The children's tables' flows of these children go with their histories, and their
        # allocations from their IROs' months.
        note_episode_children(self.session.sync_session, child_ids)
        a = IroAllocation
        allocations = select(a.iro_id, a.started_on, a.ended_on).where(a.child_id.in_(child_ids))
        note_allocations(self.session.sync_session, await self.session.execute(allocations))
        for kind, row in HISTORY.items():
            result = await self.session.execute(delete(row).where(row.child_id.in_(child_ids)))
            deleted[kind] = int(result.rowcount)  # type: ignore[attr-defined]
        return deleted

    async def count_audit_before(self, before: datetime) -> int:
        return await self._count(select(AuditEvent.id).where(AuditEvent.at < before))

    async def delete_audit_before(self, before: datetime, limit: int) -> int:
        """Delete the oldest `limit` audit events from before `before`; return how many."""
        oldest = await self._first(
            select(AuditEvent.id).where(AuditEvent.at < before), AuditEvent.id, limit
        )
        if oldest:
            await self.session.execute(delete(AuditEvent).where(AuditEvent.id.in_(oldest)))
        return len(oldest)

    async def _first(self, query: Select[int], key: Any, limit: int) -> list[int]:
        return list(await self.session.scalars(query.order_by(key).limit(limit)))

    async def _count(self, query: Select[int]) -> int:
        counted = select(func.count()).select_from(query.subquery())
        return int(await self.session.scalar(counted) or 0)
