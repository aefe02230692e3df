"""Repositories: the only code that turns model rows into queries, and text into ciphertext."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import TextCipher
from storage.models import (
    Answer,
    AuditEvent,
    Child,
    Flag,
    Invitation,
    OutboxMessage,
    Participant,
    ProcessedUpdate,
    ReminderSent,
    Review,
    Run,
    Staff,
)


def hash_code(code: str) -> str:
    """The stored form of an invitation code."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


class _Repository:
    def __init__(self, session: AsyncSession, cipher: TextCipher) -> None:
        self.session = session
        self.cipher = cipher


class StaffRepository(_Repository):
    def add(self, staff: Staff) -> Staff:
        self.session.add(staff)
        return staff

    async def by_username(self, username: str) -> Staff | None:
        return await self.session.scalar(select(Staff).where(Staff.username == username))

    async def by_telegram_id(self, telegram_id: int) -> Staff | None:
        return await self.session.scalar(select(Staff).where(Staff.telegram_id == telegram_id))

    async def get(self, staff_id: int) -> Staff | None:
        return await self.session.get(Staff, staff_id)

    async def list(self) -> Sequence[Staff]:
        return (await self.session.scalars(select(Staff).order_by(Staff.username))).all()

    async def managers(self) -> Sequence[Staff]:
        query = select(Staff).where(Staff.role == "manager").order_by(Staff.id)
        return (await self.session.scalars(query)).all()


class ChildRepository(_Repository):
    def add(self, child: Child) -> Child:
        self.session.add(child)
        return child

    async def by_case_ref(self, case_ref: str) -> Child | None:
        return await self.session.scalar(select(Child).where(Child.case_ref == case_ref))

    async def get(self, child_id: int) -> Child | None:
        return await self.session.get(Child, child_id)

    async def allocated_to(self, iro_id: int) -> Sequence[Child]:
        query = select(Child).where(Child.iro_id == iro_id).order_by(Child.case_ref)
        return (await self.session.scalars(query)).all()

    async def by_case_refs(self, case_refs: Sequence[str]) -> dict[str, Child]:
        rows = await self.session.scalars(select(Child).where(Child.case_ref.in_(case_refs)))
        return {child.case_ref: child for child in rows}


class ReviewRepository(_Repository):
    def add(self, review: Review) -> Review:
        self.session.add(review)
        return review

    async def get(self, review_id: int) -> Review | None:
        return await self.session.get(Review, review_id)

    async def find(self, child_id: int, kind: str, due_date: date) -> Review | None:
        query = select(Review).where(
            Review.child_id == child_id, Review.kind == kind, Review.due_date == due_date
        )
        return await self.session.scalar(query)

    async def next_for_child(self, child_id: int, today: date) -> Review | None:
        """The earliest review not yet held and not overdue by more than a week."""
        query = (
            select(Review)
            .where(Review.child_id == child_id, Review.held_on.is_(None))
            .order_by(Review.due_date)
        )
        for review in await self.session.scalars(query):
            if (today - review.due_date).days <= 7:
                return review
        return None

    async def latest_held(self, child_id: int) -> Review | None:
        query = (
            select(Review)
            .where(Review.child_id == child_id, Review.held_on.is_not(None))
            .order_by(Review.held_on.desc(), Review.id.desc())
        )
        return await self.session.scalar(query)

    async def latest_for_child(self, child_id: int, today: date) -> Review | None:
        """The meeting an outcome is recorded for: the latest one due by today, else the next."""
        due = (
            select(Review)
            .where(Review.child_id == child_id, Review.due_date <= today)
            .order_by(Review.due_date.desc(), Review.id.desc())
        )
        found = await self.session.scalar(due)
        if found is not None:
            return found
        return await self.next_for_child(child_id, today)

    def encrypt_note(self, review: Review, note: str | None) -> None:
        review.note_to_child_cipher = self.cipher.encrypt(note) if note else None

    def note_to_child(self, review: Review) -> str | None:
        if review.note_to_child_cipher is None:
            return None
        return self.cipher.decrypt(review.note_to_child_cipher)


class InvitationRepository(_Repository):
    def add(self, invitation: Invitation) -> Invitation:
        self.session.add(invitation)
        return invitation

    async def by_code(self, code: str) -> Invitation | None:
        query = select(Invitation).where(Invitation.code_hash == hash_code(code))
        return await self.session.scalar(query)

    async def claim(self, invitation: Invitation, now: datetime) -> bool:
        """Mark the invitation used; False if another request used it first."""
        result = await self.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
            .values(used_at=now)
        )
        claimed = bool(result.rowcount)  # type: ignore[attr-defined]
        if claimed:
            invitation.used_at = now
        return claimed


class ParticipantRepository(_Repository):
    def add(self, participant: Participant) -> Participant:
        self.session.add(participant)
        return participant

    async def get(self, participant_id: int) -> Participant | None:
        return await self.session.get(Participant, participant_id)

    async def for_telegram_id(self, telegram_id: int) -> Sequence[Participant]:
        """Every link this Telegram account has, newest first."""
        query = (
            select(Participant)
            .where(Participant.telegram_id == telegram_id)
            .order_by(Participant.id.desc())
        )
        return (await self.session.scalars(query)).all()

    async def find_link(
        self, telegram_id: int, role: str, child_id: int | None, staff_id: int | None
    ) -> Participant | None:
        query = select(Participant).where(
            Participant.telegram_id == telegram_id,
            Participant.role == role,
            Participant.child_id.is_(None)
            if child_id is None
            else Participant.child_id == child_id,
            Participant.staff_id.is_(None)
            if staff_id is None
            else Participant.staff_id == staff_id,
        )
        return await self.session.scalar(query)

    async def for_child(self, child_id: int) -> Sequence[Participant]:
        query = select(Participant).where(Participant.child_id == child_id)
        return (await self.session.scalars(query.order_by(Participant.id))).all()


class RunRepository(_Repository):
    """Runs and their answers; the engine's run value is kept encrypted as one JSON blob."""

    def add(self, run: Run) -> Run:
        self.session.add(run)
        return run

    async def get(self, run_id: int) -> Run | None:
        return await self.session.get(Run, run_id)

    async def open_for(self, participant_id: int) -> Sequence[Run]:
        query = (
            select(Run)
            .where(Run.participant_id == participant_id, Run.status.in_(("waiting", "reviewing")))
            .order_by(Run.updated_at.desc())
        )
        return (await self.session.scalars(query)).all()

    async def submitted_for(self, participant_ids: Sequence[int]) -> Sequence[Run]:
        query = (
            select(Run)
            .where(Run.participant_id.in_(participant_ids), Run.status == "submitted")
            .order_by(Run.submitted_at.desc())
        )
        return (await self.session.scalars(query)).all()

    async def for_review(self, review_id: int) -> Sequence[Run]:
        query = select(Run).where(Run.review_id == review_id).order_by(Run.id)
        return (await self.session.scalars(query)).all()

    def write_state(self, run: Run, state: dict[str, Any]) -> None:
        run.state_cipher = self.cipher.encrypt(json.dumps(state, sort_keys=True))

    def read_state(self, run: Run) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.cipher.decrypt(run.state_cipher))
        return value

    async def answers(self, run_id: int) -> Sequence[Answer]:
        query = select(Answer).where(Answer.run_id == run_id).order_by(Answer.id)
        return (await self.session.scalars(query)).all()

    async def put_answer(
        self,
        run_id: int,
        step_id: str,
        kind: str,
        *,
        choice: str | None,
        text: str | None,
        theme: str | None,
        now: datetime,
        sentiment: float | None = None,
        text_themes: str | None = None,
    ) -> Answer:
        """Insert or replace the answer to one step."""
        answer = await self.session.scalar(
            select(Answer).where(Answer.run_id == run_id, Answer.step_id == step_id)
        )
        if answer is None:
            answer = Answer(run_id=run_id, step_id=step_id)
            self.session.add(answer)
        answer.kind = kind
        answer.choice = choice
        answer.text_cipher = self.cipher.encrypt(text) if text is not None else None
        answer.theme = theme
        answer.sentiment = sentiment
        answer.text_themes = text_themes
        answer.answered_at = now
        return answer

    async def drop_answers_except(self, run_id: int, keep: Sequence[str]) -> None:
        for answer in await self.answers(run_id):
            if answer.step_id not in keep:
                await self.session.delete(answer)

    def answer_text(self, answer: Answer) -> str | None:
        return None if answer.text_cipher is None else self.cipher.decrypt(answer.text_cipher)


class AuditRepository(_Repository):
    def record(
        self, at: datetime, actor: str, action: str, child_id: int | None = None, **detail: Any
    ) -> None:
        self.session.add(
            AuditEvent(at=at, actor=actor, action=action, child_id=child_id, detail=detail)
        )

    async def count_since(self, action: str, actor: str, since: datetime) -> int:
        query = select(func.count(AuditEvent.id)).where(
            AuditEvent.action == action, AuditEvent.actor == actor, AuditEvent.at >= since
        )
        return int(await self.session.scalar(query) or 0)

    async def list(self, action: str | None = None) -> Sequence[AuditEvent]:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action is not None:
            query = query.where(AuditEvent.action == action)
        return (await self.session.scalars(query)).all()


class OutboxRepository(_Repository):
    def add(
        self,
        chat_id: int,
        purpose: str,
        text: str,
        now: datetime,
        reply_markup: dict[str, Any] | None = None,
        flag_id: int | None = None,
    ) -> OutboxMessage:
        message = OutboxMessage(
            chat_id=chat_id,
            purpose=purpose,
            text_cipher=self.cipher.encrypt(text),
            reply_markup=reply_markup,
            flag_id=flag_id,
            created_at=now,
            next_attempt_at=now,
            attempts=0,
        )
        self.session.add(message)
        return message

    async def due(self, now: datetime, limit: int = 50) -> Sequence[OutboxMessage]:
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()

    async def lease(self, message_id: int, now: datetime, until: datetime) -> OutboxMessage | None:
        """Take the message for sending unless another worker has it; None if taken."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
            )
            .values(next_attempt_at=until)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        return await self.session.get(OutboxMessage, message_id, populate_existing=True)

    async def pending(self) -> Sequence[OutboxMessage]:
        query = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        return (await self.session.scalars(query.order_by(OutboxMessage.id))).all()

    def text(self, message: OutboxMessage) -> str:
        return self.cipher.decrypt(message.text_cipher)


class FlagRepository(_Repository):
    async def get(self, flag_id: int) -> Flag | None:
        return await self.session.get(Flag, flag_id)

    async def from_update(self, update_id: int) -> Flag | None:
        return await self.session.scalar(select(Flag).where(Flag.source_update_id == update_id))

    async def unresolved(self, child_ids: Sequence[int] | None) -> Sequence[Flag]:
        """Flags not yet closed, urgent first; `None` means every child (managers)."""
        query = select(Flag).where(Flag.status != "closed")
        if child_ids is not None:
            query = query.where(Flag.child_id.in_(child_ids))
        query = query.order_by(Flag.level.desc(), Flag.created_at)
        return (await self.session.scalars(query)).all()

    async def overdue_urgent(self, now: datetime) -> Sequence[Flag]:
        query = select(Flag).where(
            Flag.level == "urgent",
            Flag.status == "open",
            Flag.escalated_at.is_(None),
            Flag.respond_by <= now,
        )
        return (await self.session.scalars(query.order_by(Flag.id))).all()

    def text(self, flag: Flag) -> str:
        return self.cipher.decrypt(flag.text_cipher)

    def close_note(self, flag: Flag) -> str | None:
        return (
            None if flag.close_note_cipher is None else self.cipher.decrypt(flag.close_note_cipher)
        )

    def set_close_note(self, flag: Flag, note: str) -> None:
        flag.close_note_cipher = self.cipher.encrypt(note)


class UpdateLog(_Repository):
    """Telegram update ids already handled."""

    async def first_time(self, update_id: int, now: datetime) -> bool:
        """Record the update id; False if it was recorded before."""
        if await self.session.get(ProcessedUpdate, update_id) is not None:
            return False
        self.session.add(ProcessedUpdate(update_id=update_id, processed_at=now))
        return True


class ReminderLog(_Repository):
    async def sent(self, key: str) -> bool:
        found = await self.session.scalar(select(ReminderSent.id).where(ReminderSent.key == key))
        return found is not None

    def record(self, key: str, now: datetime) -> None:
        self.session.add(ReminderSent(key=key, sent_at=now))
