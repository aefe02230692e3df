"""Reading the counts a database keeps as it is written, and the same counted again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from alembic import command
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.crypto import TextCipher, new_key
from storage.database import Database, alembic_config
from storage.uow import UnitOfWork

Kept = list[tuple[object, ...]]


async def kept_and_recounted(
    database_url: str,
    read: Callable[[UnitOfWork], Awaitable[Kept]],
    recount: Callable[[UnitOfWork], Awaitable[None]],
) -> tuple[Kept, Kept]:
    """What `read` finds as stored (by a migration, say), then after `recount` (rolled back)."""
    database = Database.connect(database_url)
    try:
        async with UnitOfWork(database, TextCipher([new_key()])) as uow:
            stored = await read(uow)
            await recount(uow)
            return stored, await read(uow)
    finally:
        await database.dispose()


@asynccontextmanager
async def writing(database_url: str) -> AsyncIterator[AsyncConnection]:
    """A connection to the database at the URL, in a transaction committed at the end (for
    writing rows as an older version stored them)."""
    database = Database.connect(database_url)
    try:
        async with database.engine.begin() as connection:
            yield connection
    finally:
        await database.dispose()


def upgraded(
    database_url: str,
    before: str,
    seed: Callable[[str], Awaitable[None]],
    read: Callable[[UnitOfWork], Awaitable[Kept]],
    recount: Callable[[UnitOfWork], Awaitable[None]],
) -> Kept:
    """Rows `seed` stores at revision `before`, upgraded to the newest: what the migrations
    kept of them, checked to be what counting them again keeps."""
    config = alembic_config(database_url)
    command.downgrade(config, before)
    asyncio.run(seed(database_url))
    command.upgrade(config, "head")
    migrated, recounted = asyncio.run(kept_and_recounted(database_url, read, recount))
    assert migrated == recounted
    return migrated
