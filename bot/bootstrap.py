"""The composition root: settings, database, cipher and clock wired in one place."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.settings import Settings
from storage.crypto import TextCipher, cipher_from_settings
from storage.database import Database
from storage.keys import verify_data_key
from storage.uow import UnitOfWork

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """What every entry point needs; build it with `open_services`."""

    settings: Settings
    database: Database
    cipher: TextCipher
    clock: Clock

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.database, self.cipher)

    def today(self) -> datetime:
        """Now in the service's own time zone (for dates people see)."""
        return self.clock().astimezone(self.settings.zone)


@asynccontextmanager
async def open_services(
    settings: Settings, *, clock: Clock = utc_now, check_schema: bool = True
) -> AsyncIterator[Services]:
    """Connect to the database (refusing an outdated schema) and yield the services."""
    cipher = cipher_from_settings(settings.data_key, settings.data_dir)
    database = Database.connect(settings.effective_database_url)
    try:
        if check_schema:
            await database.ensure_current()
            await verify_data_key(database, cipher, clock())
        yield Services(settings, database, cipher, clock)
    finally:
        await database.dispose()
