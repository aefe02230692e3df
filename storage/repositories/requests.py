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

    async def open_by_meeting(self, review_ids: Sequence[int]) -> dict[int, list[ChildRequest]]:
        """Requests not yet done about these meetings, oldest first, in one query."""
        query = select(ChildRequest).where(
            ChildRequest.review_id.in_(review_ids), ChildRequest.status.in_(OPEN)
        )
        found: dict[int, list[ChildRequest]] = {review_id: [] for review_id in review_ids}
        for request in await self.session.scalars(query.order_by(ChildRequest.created_at)):
            if request.review_id is not None:
                found[request.review_id].append(request)
        return found

    async def unseen_overdue(self, now: datetime, limit: int) -> Sequence[ChildRequest]:
        """The oldest `limit` requests nobody has seen by their time, not yet escalated;
        locked, and skipped while another worker's sweep holds them (as for flags)."""
        query = (
            select(ChildRequest)
            .where(
                ChildRequest.status == "new",
                ChildRequest.escalate_at <= now,
                ChildRequest.escalated_at.is_(None),
            )
            .order_by(ChildRequest.escalate_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return (await self.session.scalars(query)).all()

    def set_note(self, request: ChildRequest, note: str | None) -> None:
        request.note_cipher = self.cipher.encrypt(note) if note else None

    def note(self, request: ChildRequest) -> str | None:
        return self.cipher.decrypt(request.note_cipher) if request.note_cipher else None
