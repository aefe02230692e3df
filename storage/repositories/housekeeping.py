"""Deleting what is kept only for a while: handled update ids, sent messages, dead invitations.

Each call deletes at most `limit` rows, oldest first, so a prune of a large backlog is many
short transactions rather than one that locks the table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, select

from storage.models import InboundUpdate, Invitation, OutboxMessage, ProcessedUpdate
from storage.repositories.base import Repository
from storage.repositories.funnel_counts import note_child


class Housekeeping(Repository):
    async def prune_processed_updates(self, before: datetime, limit: int) -> int:
        """Forget update ids handled before `before` (Telegram resends within a day)."""
        return await self._delete(
            ProcessedUpdate.update_id, ProcessedUpdate.processed_at < before, limit
        )

    async def prune_received_updates(self, before: datetime, limit: int) -> int:
        """Forget webhook updates handled before `before` (only their keys are left)."""
        return await self._delete(
            InboundUpdate.update_id, InboundUpdate.handled_at < before, limit
        )

    async def prune_sent_messages(self, before: datetime, limit: int) -> int:
        """Delete outbox messages delivered before `before`."""
        return await self._delete(OutboxMessage.id, OutboxMessage.sent_at < before, limit)

    async def prune_expired_invitations(self, before: datetime, limit: int) -> int:
        """Delete invitations never used that expired before `before`."""
        unused_and_expired = Invitation.used_at.is_(None) & (Invitation.expires_at < before)
        oldest = (
            select(Invitation.child_id)
            .where(unused_and_expired)
            .order_by(Invitation.id)
            .limit(limit)
            .subquery()
        )
        # The funnel counts the invitations made: its rows of these children move.
        for child_id in await self.session.scalars(select(oldest.c.child_id).distinct()):
            note_child(self.session.sync_session, child_id)
        return await self._delete(Invitation.id, unused_and_expired, limit)

    async def _delete(self, key: Any, condition: ColumnElement[bool], limit: int) -> int:
        oldest = select(key).where(condition).order_by(key).limit(limit).scalar_subquery()
        # The condition again: an update's id is only part of its key, and a recent update
        # may share an old one's id.
        result = await self.session.execute(delete(key.table).where(key.in_(oldest), condition))
        return int(result.rowcount)  # type: ignore[attr-defined]
