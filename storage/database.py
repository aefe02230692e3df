"""The database engine: SQLite pragmas, session factory, and the schema-version check."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.crypto import TextCipher
from storage.sqlite_driver import one_trip_dbapi

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# A migration file names itself and the one before it: `revision = "0002"`, and
# `down_revision = "0001"` (None for the first).
_REVISION = re.compile(r'^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:"([^"]*)"|None)', re.M)
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
        engine = create_async_engine(url, connect_args={"timeout": 30}, module=one_trip_dbapi())
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


def alembic_config(url: str, cipher: TextCipher | None = None) -> Config:
    """Alembic's settings for this database; `cipher` for migrations that encrypt stored text."""
    # Imported here: only `mysay db upgrade` and the playground migrate; checking the
    # schema at start-up needs no Alembic (about 10 MB the bot would carry for nothing).
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["cipher"] = cipher
    return config


@cache
def head_revision() -> str | None:
    """The newest migration: the one no other migration follows (the history is a line)."""
    revisions: dict[str, str | None] = {}
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = {name: value for name, value in _REVISION.findall(path.read_text())}
        if "revision" in found:
            revisions[found["revision"]] = found.get("down_revision") or None
    heads = set(revisions) - set(revisions.values())
    if len(heads) > 1:
        raise RuntimeError(f"migrations have more than one head: {sorted(heads)}")
    return heads.pop() if heads else None


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
        """The revision Alembic stamped the database with; None on an empty database."""
        async with self.engine.connect() as connection:
            tables = await connection.run_sync(
                lambda sync: sync.dialect.has_table(sync, "alembic_version")
            )
            if not tables:
                return None
            return (
                await connection.execute(text("SELECT version_num FROM alembic_version"))
            ).scalar_one_or_none()

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
