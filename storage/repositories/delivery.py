"""Messages on their way out, and the logs that stop anything happening twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import ColumnElement, case, func, select, update

from storage.models import OutboxMessage, ProcessedUpdate
from storage.repositories.base import Repository, Upsert, insert_into, table_of


class OutboxRepository(Repository):
    def add(
        self,
        chat_id: int,
        purpose: str,
        text: str,
        now: datetime,
        flag_id: int | None = None,
    ) -> OutboxMessage:
        message = OutboxMessage(
            chat_id=chat_id,
            purpose=purpose,
            text_cipher=self.cipher.encrypt(text),
            flag_id=flag_id,
            created_at=now,
            next_attempt_at=now,
            attempts=0,
        )
        self.session.add(message)
        return message

    async def due(self, now: datetime, limit: int = 50) -> Sequence[OutboxMessage]:
        query = select(OutboxMessage).where(*_due(now)).order_by(OutboxMessage.id).limit(limit)
        return (await self.session.scalars(query)).all()

    async def lease_due(
        self,
        now: datetime,
        until: datetime,
        limit: int,
        *,
        first: Sequence[str] = (),
        only: Sequence[str] | None = None,
    ) -> Sequence[OutboxMessage]:
        """Take up to `limit` due messages for sending until `until`, all with one update:
        those whose purpose is in `first` come first, then oldest first (with `only`, just
        those purposes). A message another worker took meanwhile is left out."""
        query = select(OutboxMessage.id).where(*_due(now)).limit(limit)
        if only is not None:
            query = query.where(OutboxMessage.purpose.in_(only))
        if first:
            query = query.order_by(case((OutboxMessage.purpose.in_(first), 0), else_=1))
        query = query.order_by(OutboxMessage.id)
        chosen = (await self.session.scalars(query)).all()
        if not chosen:
            return []
        leased = await self.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chosen), *_due(now))
            .values(next_attempt_at=until)
            .returning(OutboxMessage.id)
        )
        taken = set(leased.all())
        found = await self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(taken))
            .execution_options(populate_existing=True)
        )
        in_order = {message.id: message for message in found}
        return [in_order[message_id] for message_id in chosen if message_id in in_order]

    async def delivered(self, message_id: int, at: datetime) -> None:
        """Mark a leased message sent (one statement: no row read back)."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(sent_at=at, attempts=OutboxMessage.attempts + 1)
        )

    async def not_delivered(self, message_id: int, retry_at: datetime, error: str) -> None:
        """Count a failed attempt at a leased message and say when to try it again."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(
                next_attempt_at=retry_at,
                last_error=error[:200],
                attempts=OutboxMessage.attempts + 1,
            )
        )

    async def pending(self) -> Sequence[OutboxMessage]:
        query = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        return (await self.session.scalars(query.order_by(OutboxMessage.id))).all()

    async def to_chat(self, chat_id: int, limit: int) -> Sequence[OutboxMessage]:
        """The newest `limit` messages to one chat, oldest first, sent or not."""
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
        return list(reversed((await self.session.scalars(query)).all()))

    def text(self, message: OutboxMessage) -> str:
        return self.cipher.decrypt(message.text_cipher)


class UpdateLog(Repository):
    """Telegram update ids already handled."""

    async def latest(self) -> int:
        """The highest update id handled (0 if none), for an emulator to number on from."""
        return int(await self.session.scalar(select(func.max(ProcessedUpdate.update_id))) or 0)

    async def first_time(self, key: tuple[int, int, str], now: datetime) -> bool:
        """Record the update by its (update id, chat, message or callback id); False if it was
        recorded before.

        One statement, and a guard between workers too: on PostgreSQL a second transaction
        recording the same key waits for the first, then finds it there.
        """
        update_id, chat_id, item = key
        values = {"update_id": update_id, "chat_id": chat_id, "item": item, "processed_at": now}
        result = await self.session.execute(_record_update(self.on_postgres), values)
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """What makes a message due: not sent, and its next attempt has come."""
    return OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now


@cache
def _record_update(postgres: bool) -> Upsert:
    """Built once per database kind (every update runs it); the values come as parameters."""
    return insert_into(table_of(ProcessedUpdate), postgres).on_conflict_do_nothing()
