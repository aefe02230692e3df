"""The database engine: SQLite pragmas, session factory, and the schema-version check."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_CACHE_KIB = 64 * 1024
SQLITE_MMAP_BYTES = 1024**3


class SchemaOutdated(Exception):
    """The database schema is behind the code."""


def is_unavailable(error: BaseException) -> bool:
    """Tell whether `error` means the database could not be reached, rather than a bug.

    A server that is down, restarting or unreachable, a dropped connection, an exhausted
    pool or a locked SQLite file: work that failed this way can be tried again later.
    """
    if isinstance(error, OperationalError | InterfaceError | PoolTimeout | OSError | TimeoutError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def make_private_file(path: Path) -> None:
    """Create `path` (empty) and its folder readable by their owner alone, if they are new.

    The database holds case references, birth dates and Telegram ids in the clear; SQLite
    gives its journal files the database file's permissions, so they are private too.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def create_engine(url: str) -> AsyncEngine:
    """Create an async engine; for SQLite, make the folder and turn on WAL and a busy timeout."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            make_private_file(Path(path))
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Reports read hundreds of megabytes at national scale: SQLite's default 2 MiB page cache
    # would read most pages from the file again for every query. Memory-mapped reads and a
    # 64 MiB cache (both used only as far as the file needs) keep them in memory, and
    # grouping sorts stay off the disk.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@dataclass
class Database:
    """One engine and its session factory, shared by every unit of work."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @classmethod
    def connect(cls, url: str) -> Database:
        engine = create_engine(url)
        return cls(engine, async_sessionmaker(engine, expire_on_commit=False))

    async def current_revision(self) -> str | None:
        async with self.engine.connect() as connection:
            return await connection.run_sync(_current_revision)

    async def ensure_current(self) -> None:
        """Refuse to run on a schema that is behind the code."""
        current, head = await self.current_revision(), head_revision()
        if current != head:
            raise SchemaOutdated(
                f"the database schema is at {current or 'nothing'}, the code needs {head}; "
                "run `mysay db upgrade`"
            )

    async def dispose(self) -> None:
        await self.engine.dispose()
