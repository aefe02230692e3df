"""Updates received by webhook and not yet handled: stored first, handled later, in order.

The webhook answers Telegram once an update is stored here, so a worker killed afterwards
loses nothing: the update waits until a worker claims its chat (`storage.chat_claims`) and
handles the chat's waiting updates oldest first. The body holds a child's words, so it is
encrypted like every other free text. Once handled, the body is dropped and only the key
stays (update id, chat, message or callback id), so a redelivered update is still recognised,
until housekeeping prunes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from storage.models import InboundUpdate
from storage.repositories.base import Repository

# (update id, chat, message or callback query id): see `storage.models.ProcessedUpdate`.
Key = tuple[int, int, str]


@dataclass(frozen=True)
class WaitingUpdate:
    """One stored update, as Telegram sent it."""

    key: Key
    body: dict[str, Any]

    @property
    def update_id(self) -> int:
        return self.key[0]


class InboundUpdates(Repository):
    async def add(self, key: Key, body: dict[str, Any], now: datetime) -> bool:
        """Store an update unless its key is stored already; True if it was new.

        Two workers given the same update at once (a proxy retrying) both succeed, and only
        one row is written.
        """
        update_id, chat_id, item = key
        statement = (
            self.insert(InboundUpdate)
            .values(
                update_id=update_id,
                chat_id=chat_id,
                item=item,
                body_cipher=self.cipher.encrypt(json.dumps(body, separators=(",", ":"))),
                received_at=now,
            )
            .on_conflict_do_nothing()
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
        return list((await self.session.scalars(query)).all())

    async def waiting_in(self, chat_id: int, limit: int) -> list[WaitingUpdate]:
        """A chat's waiting updates, oldest first."""
        query = (
            select(InboundUpdate.update_id, InboundUpdate.item, InboundUpdate.body_cipher)
            .where(InboundUpdate.chat_id == chat_id, InboundUpdate.handled_at.is_(None))
            .order_by(InboundUpdate.update_id)
            .limit(limit)
        )
        return [
            WaitingUpdate((update_id, chat_id, item), json.loads(self.cipher.decrypt(body)))
            for update_id, item, body in (await self.session.execute(query)).all()
            if body is not None
        ]

    async def mark_handled(self, key: Key, now: datetime) -> None:
        """Note an update handled, dropping its words."""
        update_id, chat_id, item = key
        await self.session.execute(
            update(InboundUpdate)
            .where(
                InboundUpdate.update_id == update_id,
                InboundUpdate.chat_id == chat_id,
                InboundUpdate.item == item,
            )
            .values(handled_at=now, body_cipher=None)
        )
