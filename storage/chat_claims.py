"""Claiming a chat: so that only one worker at a time handles a chat's stored updates.

On PostgreSQL a claim is a transaction-scoped advisory lock keyed by the chat, taken with
`pg_try_advisory_xact_lock` on a connection of its own and held while the claimant works.
A worker that is killed drops its connection, and the server releases its locks at once, so
another worker can take its chats over. Nothing waits for a lock: a chat claimed elsewhere
is simply left to its claimant.

On SQLite there is one process, and it never works on a chat twice at once (the inbound
drain keeps track of its own chats), so every claim is granted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import func, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database

# The first key of the two-key advisory lock, so no other use of advisory locks on the same
# database can take a chat's lock by chance ("MySy" in ASCII).
LOCK_SPACE = 0x4D795379


class ChatClaim:
    """A claim on one chat: `held` says whether it was granted."""

    def __init__(self, held: bool, connection: AsyncConnection | None = None) -> None:
        self.held = held
        self._connection = connection

    async def still_held(self) -> bool:
        """Tell whether the lock's connection still answers (else the server let the lock go)."""
        if self._connection is None:
            return self.held
        try:
            await self._connection.execute(select(literal(1)))
        except Exception:  # any failure means the connection, and so the lock, is gone
            return False
        return self.held


def _lock_key(chat_id: int) -> int:
    """Fold a 64-bit chat id into the signed 32-bit second key (two chats may share one:
    they are then only handled one after the other)."""
    folded = (chat_id ^ (chat_id >> 32)) & 0xFFFFFFFF
    return folded - (1 << 32) if folded >= 1 << 31 else folded


@asynccontextmanager
async def claim_chat(database: Database, chat_id: int) -> AsyncIterator[ChatClaim]:
    """Try to claim a chat for the duration of the block; never waits for another worker."""
    if database.engine.dialect.name != "postgresql":
        yield ChatClaim(held=True)
        return
    # The lock lasts as long as the transaction the query begins; giving the connection back
    # rolls it back (nothing was written) or, if the connection died, the lock went with it.
    async with database.engine.connect() as connection:
        held = await connection.scalar(
            select(func.pg_try_advisory_xact_lock(LOCK_SPACE, _lock_key(chat_id)))
        )
        yield ChatClaim(bool(held), connection)
