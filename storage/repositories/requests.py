"""Children's requests: stored when a run is sent, listed for the IRO, escalated if unseen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from storage.models import ChildRequest
from storage.repositories.base import Repository

OPEN = ("new", "seen")


class RequestRepository(Repository):
    def add(self, request: ChildRequest) -> ChildRequest:
        self.session.add(request)
        return request

    async def get(self, request_id: int) -> ChildRequest | None:
        return await self.session.get(ChildRequest, request_id)

    async def open_for(self, child_ids: Sequence[int] | None) -> Sequence[ChildRequest]:
        """Requests not yet done, oldest first; `None` means every child (managers)."""
        query = select(ChildRequest).where(ChildRequest.status.in_(OPEN))
        if child_ids is not None:
            query = query.where(ChildRequest.child_id.in_(child_ids))
        return (await self.session.scalars(query.order_by(ChildRequest.created_at))).all()

    async def for_review(self, review_id: int) -> Sequence[ChildRequest]:
        """Every request made about one meeting, oldest first (for the record)."""
        query = select(ChildRequest).where(ChildRequest.review_id == review_id)
        return (await self.session.scalars(query.order_by(ChildRequest.created_at))).all()

    async def unseen_overdue(self, now: datetime, limit: int) -> Sequence[ChildRequest]:
        """The oldest `limit` requests nobody has seen by their time, not yet escalated."""
        query = (
            select(ChildRequest)
            .where(
                ChildRequest.status == "new",
                ChildRequest.escalate_at <= now,
                ChildRequest.escalated_at.is_(None),
            )
            .order_by(ChildRequest.escalate_at)
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()

    def set_note(self, request: ChildRequest, note: str | None) -> None:
        request.note_cipher = self.cipher.encrypt(note) if note else None

    def note(self, request: ChildRequest) -> str | None:
        return self.cipher.decrypt(request.note_cipher) if request.note_cipher else None
