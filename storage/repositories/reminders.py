"""What the reminder sweep reads, a page at a time, with SQL doing the selection.

Every query here is keyset-paged (`after`, `limit`) and returns plain rows, not ORM objects,
so a sweep over a national caseload holds one small page in memory and never the whole list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, insert, or_, select, tuple_
from sqlalchemy.exc import IntegrityError

from storage.models import Child, OutboxMessage, Participant, ReminderSent, Review, Run, Staff
from storage.repositories.base import Repository


@dataclass(frozen=True)
class FamilyMember:
    """A child, parent or carer linked to a review's child, who has not answered for it yet."""

    review_id: int
    due_date: date
    kind: str
    participant_id: int
    role: str
    telegram_id: int
    locale: str


@dataclass(frozen=True)
class WaitingReview:
    """A review coming up for an IRO's child, with no views from the child yet."""

    iro_id: int
    review_id: int
    due_date: date
    kind: str
    case_ref: str
    child_joined: bool


class ReminderQueries(Repository):
    """Reads for the reminder sweep, and the batch writes that queue its messages."""

    async def family_page(
        self,
        *,
        due_after: date,
        due_by: date,
        after: tuple[int, int],
        limit: int,
        answered_by: Mapping[str, Sequence[str]],
    ) -> list[FamilyMember]:
        """Family members of reviews due in (due_after, due_by] who have not answered.

        `answered_by` maps a role to the flows whose submitted run counts as its answer;
        `after` is the last (participant id, review id) of the previous page.
        """
        answered = exists().where(
            Run.review_id == Review.id,
            Run.participant_id == Participant.id,
            Run.status == "submitted",
            or_(
                *(
                    and_(Participant.role == role, Run.flow_id.in_(flows))
                    for role, flows in answered_by.items()
                )
            ),
        )
        query = (
            select(
                Review.id,
                Review.due_date,
                Review.kind,
                Participant.id,
                Participant.role,
                Participant.telegram_id,
                Participant.locale,
            )
            .join(Participant, Participant.child_id == Review.child_id)
            .where(
                Review.held_on.is_(None),
                Review.due_date > due_after,
                Review.due_date <= due_by,
                Participant.role.in_(list(answered_by)),
                tuple_(Participant.id, Review.id) > tuple_(*after),
                ~answered,
            )
            .order_by(Participant.id, Review.id)
            .limit(limit)
        )
        return [FamilyMember(*row) for row in await self.session.execute(query)]

    async def iro_page(self, after: int, limit: int) -> list[tuple[int, int, str]]:
        """(staff id, Telegram id, language) of IROs linked in Telegram, after staff id `after`."""
        query = (
            select(Staff.id, Staff.telegram_id, Staff.locale)
            .where(Staff.role == "iro", Staff.telegram_id.is_not(None), Staff.id > after)
            .order_by(Staff.id)
            .limit(limit)
        )
        rows = await self.session.execute(query)
        return [
            (staff_id, telegram_id, locale)
            for staff_id, telegram_id, locale in rows
            if telegram_id is not None
        ]

    async def waiting_reviews(
        self, iro_ids: Sequence[int], first: date, last: date, child_flows: Sequence[str]
    ) -> list[WaitingReview]:
        """Reviews of these IROs' children due from `first` to `last` with no child views."""
        viewed = exists().where(
            Run.review_id == Review.id,
            Run.status == "submitted",
            Run.flow_id.in_(child_flows),
        )
        joined = (
            exists()
            .where(Participant.child_id == Child.id, Participant.role == "child")
            .label("joined")
        )
        query = (
            select(Child.iro_id, Review.id, Review.due_date, Review.kind, Child.case_ref, joined)
            .join(Child, Child.id == Review.child_id)
            .where(
                Child.iro_id.in_(iro_ids),
                Review.held_on.is_(None),
                Review.due_date >= first,
                Review.due_date <= last,
                ~viewed,
            )
            .order_by(Child.iro_id, Review.due_date, Child.case_ref)
        )
        return [
            WaitingReview(iro_id, review_id, due, kind, case_ref, bool(joined_))
            for iro_id, review_id, due, kind, case_ref, joined_ in await self.session.execute(
                query
            )
            if iro_id is not None
        ]

    async def sent_among(self, keys: Sequence[str]) -> set[str]:
        """Which of these reminder keys were queued before."""
        if not keys:
            return set()
        query = select(ReminderSent.key).where(ReminderSent.key.in_(keys))
        return set(await self.session.scalars(query))

    async def queue(self, messages: Sequence[tuple[str, int, str, str]], now: datetime) -> bool:
        """Insert (key, chat id, purpose, text) rows: their keys and their outbox messages.

        Plain INSERTs with many rows each, so a page costs two statements. A key queued by
        someone else meanwhile refuses the whole batch: the transaction is rolled back and
        False returned, so the caller reads again.
        """
        if not messages:
            return True
        keys = [{"key": key, "sent_at": now} for key, *_ in messages]
        rows: list[dict[str, Any]] = [
            {
                "chat_id": chat_id,
                "purpose": purpose,
                "text_cipher": self.cipher.encrypt(text),
                "created_at": now,
                "next_attempt_at": now,
                "attempts": 0,
            }
            for _, chat_id, purpose, text in messages
        ]
        try:
            await self.session.execute(insert(ReminderSent), keys)
        except IntegrityError:
            await self.session.rollback()
            return False
        await self.session.execute(insert(OutboxMessage), rows)
        return True
