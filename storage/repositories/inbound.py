"""Updates received by webhook and not yet handled: stored first, handled later, in order.

The webhook answers Telegram once an update is stored here, so a worker killed afterwards
loses nothing: the update waits until a worker claims its chat (`storage.chat_claims`) and
handles the chat's waiting updates oldest first. The body holds a child's words, so it is
encrypted like every other free text. Once handled, the body and the chat are dropped and
only the id stays, so a redelivered update is still recognised, until housekeeping prunes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.models import InboundUpdate
from storage.repositories.base import Repository


@dataclass(frozen=True)
class WaitingUpdate:
    """One stored update, as Telegram sent it."""

    update_id: int
    body: dict[str, Any]


class InboundUpdates(Repository):
    async def add(self, update_id: int, chat_id: int, body: dict[str, Any], now: datetime) -> bool:
        """Store an update unless its id is stored already; True if it was new.

        Two workers given the same update at once (a proxy retrying) both succeed, and only
        one row is written.
        """
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(InboundUpdate)
            .values(
                update_id=update_id,
                chat_id=chat_id,
                body_cipher=self.cipher.encrypt(json.dumps(body, separators=(",", ":"))),
                received_at=now,
            )
            .on_conflict_do_nothing(index_elements=[InboundUpdate.update_id])
        )
        result = await self.session.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def waiting_chats(self, limit: int) -> list[int]:
        """Chats with updates waiting, the one waiting longest first."""
        query = (
            select(InboundUpdate.chat_id)
            .where(InboundUpdate.handled_at.is_(None))
            .group_by(InboundUpdate.chat_id)
            .order_by(func.min(InboundUpdate.update_id))
            .limit(limit)
        )
        # Only a handled update has no chat (or body) left; none of these is handled.
        return [
            chat_id for chat_id in (await self.session.scalars(query)).all() if chat_id is not None
        ]

    async def waiting_in(self, chat_id: int, limit: int) -> list[WaitingUpdate]:
        """A chat's waiting updates, oldest first."""
        query = (
            select(InboundUpdate.update_id, InboundUpdate.body_cipher)
            .where(InboundUpdate.chat_id == chat_id, InboundUpdate.handled_at.is_(None))
            .order_by(InboundUpdate.update_id)
            .limit(limit)
        )
        return [
            WaitingUpdate(update_id, json.loads(self.cipher.decrypt(body)))
            for update_id, body in (await self.session.execute(query)).all()
            if body is not None
        ]

    async def mark_handled(self, update_id: int, now: datetime) -> None:
        """Note an update handled, dropping its words and its chat."""
        await self.session.execute(
            update(InboundUpdate)
            .where(InboundUpdate.update_id == update_id)
            .values(handled_at=now, body_cipher=None, chat_id=None)
        )
