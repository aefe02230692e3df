"""What the service must be able to account for: the audit log and safeguarding flags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, tuple_

from storage.models import AuditEvent, Child, Flag
from storage.repositories.base import Repository


@dataclass(frozen=True)
class AuditLine:
    """One audit event as exported, with the case reference of the child it is about."""

    id: int
    at: datetime
    actor: str
    action: str
    case_ref: str | None
    detail: dict[str, Any]


class AuditRepository(Repository):
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

    async def page(
        self, since: datetime, until: datetime, after: tuple[datetime, int] | None, limit: int
    ) -> list[AuditLine]:
        """Events from `since` until before `until`, oldest first, after (time, id) `after`.

        Plain values, not ORM objects, so a long export holds one page at a time.
        """
        query = (
            select(
                AuditEvent.id,
                AuditEvent.at,
                AuditEvent.actor,
                AuditEvent.action,
                Child.case_ref,
                AuditEvent.detail,
            )
            .outerjoin(Child, Child.id == AuditEvent.child_id)
            .where(AuditEvent.at >= since, AuditEvent.at < until)
            .order_by(AuditEvent.at, AuditEvent.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(tuple_(AuditEvent.at, AuditEvent.id) > tuple_(*after))
        return [AuditLine(*row) for row in await self.session.execute(query)]

    async def list(self, action: str | None = None) -> Sequence[AuditEvent]:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action is not None:
            query = query.where(AuditEvent.action == action)
        return (await self.session.scalars(query)).all()


class FlagRepository(Repository):
    def add(self, flag: Flag) -> Flag:
        self.session.add(flag)
        return flag

    async def get(self, flag_id: int) -> Flag | None:
        return await self.session.get(Flag, flag_id)

    async def from_update(
        self, update_id: int, participant_id: int, since: datetime
    ) -> Flag | None:
        """The flag this participant's update raised lately, if Telegram sent it again.

        Telegram resends an update within a day; an id seen longer ago, or from someone
        else, is another update that happens to share it.
        """
        return await self.session.scalar(
            select(Flag).where(
                Flag.source_update_id == update_id,
                Flag.participant_id == participant_id,
                Flag.created_at >= since,
            )
        )

    async def unresolved(self, child_ids: Sequence[int] | None) -> Sequence[Flag]:
        """Flags not yet closed, urgent first; `None` means every child (managers)."""
        query = select(Flag).where(Flag.status != "closed")
        if child_ids is not None:
            query = query.where(Flag.child_id.in_(child_ids))
        query = query.order_by(Flag.level.desc(), Flag.created_at)
        return (await self.session.scalars(query)).all()

    async def overdue_urgent(self, now: datetime, limit: int) -> Sequence[Flag]:
        """The oldest `limit` urgent flags past their deadline and not yet escalated.

        Locked until the transaction ends, and skipped while another worker's sweep holds
        them, so two workers sweeping at once never alert managers twice (PostgreSQL).
        """
        query = select(Flag).where(
            Flag.level == "urgent",
            Flag.status == "open",
            Flag.escalated_at.is_(None),
            Flag.respond_by <= now,
        )
        query = query.order_by(Flag.id).limit(limit).with_for_update(skip_locked=True)
        return (await self.session.scalars(query)).all()

    def text(self, flag: Flag) -> str:
        return self.cipher.decrypt(flag.text_cipher)

    def close_note(self, flag: Flag) -> str | None:
        return (
            None if flag.close_note_cipher is None else self.cipher.decrypt(flag.close_note_cipher)
        )

    def set_close_note(self, flag: Flag, note: str) -> None:
        flag.close_note_cipher = self.cipher.encrypt(note)
