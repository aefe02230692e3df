"""The composition root: settings, database, cipher, clock, flows and use cases, built once.

Every channel (Telegram polling or webhook, the playground, the CLI) and the tests get what
they need from here rather than wiring it themselves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from bot.app import texts
from bot.app.challenges import record_challenge
from bot.app.conversation import Conversations
from bot.app.lanes import Lanes
from bot.app.outcomes import record_outcome
from bot.app.ports import Clock, UnitOfWork
from bot.app.requests import raise_requests
from bot.app.run_store import RunStore
from bot.settings import Settings
from conversations.flow_ids import FlowId
from conversations.flow_spec import Flow
from conversations.flow_versions import FlowLibrary, packaged_library
from conversations.languages import native_name
from conversations.messages import catalogue as engine_words
from conversations.messages import on_day
from conversations.runs import Run as EngineRun
from conversations.safeguarding import assess
from conversations.sharing import Reader
from feedback_reports.text_signals import find_themes
from storage.crypto import TextCipher, cipher_from_settings
from storage.database import Database
from storage.keys import verify_data_key
from storage.models import Run
from storage.uow import UnitOfWork as StorageUnitOfWork

if TYPE_CHECKING:
    from feedback_reports.participation_model import ParticipationReport, ReportOptions
    from feedback_reports.record_model import ReviewRecord


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """What every entry point needs; build it with `open_services`."""

    settings: Settings
    database: Database
    cipher: TextCipher
    clock: Clock
    # People's inputs and background work in this process (see bot/app/lanes.py).
    lanes: Lanes = field(default_factory=Lanes)

    def uow(self) -> StorageUnitOfWork:
        return StorageUnitOfWork(self.database, self.cipher)

    def today(self) -> datetime:
        """Now in the service's own time zone (for dates people see)."""
        return self.clock().astimezone(self.settings.zone)

    async def review_record(
        self, case_ref: str, *, reader: Reader, actor: str, review_id: int | None = None
    ) -> ReviewRecord:
        # The read side is imported when first asked for: a bot that only talks with
        # children never holds the record's and the report's queries and models in memory.
        from feedback_reports.record import build_review_record

        async with self.uow() as uow:
            return await build_review_record(
                uow, case_ref, review_id, reader=reader, actor=actor, now=self.clock()
            )

    async def participation_report(
        self, start: date, end: date, actor: str, options: ReportOptions
    ) -> ParticipationReport:
        from feedback_reports.participation import build_participation_report

        async with self.uow() as uow:
            return await build_participation_report(
                uow, start, end, actor, now=self.clock(), options=options
            )


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


@dataclass(frozen=True)
class Core:
    """What every conversational channel shares: flows, the run store and the conversations."""

    services: Services
    flows: FlowLibrary
    store: RunStore
    conversations: Conversations


def _read_words(services: Services) -> None:
    """Read the message catalogues, and Babel's data for each language offered, now: left to
    first use, they cost the first update that says something (tens of milliseconds)."""
    texts.catalogue()
    engine_words()
    today = services.today().date()
    for code in services.settings.languages:
        native_name(code)
        on_day(today, code)


def build_core(services: Services) -> Core:
    """Load and check the flows and their kept versions once, read the words the bot says;
    wire the use cases over them."""
    flows = packaged_library()
    _read_words(services)

    async def raise_child_requests(
        uow: UnitOfWork, row: Run, flow: Flow, run: EngineRun
    ) -> object:
        return await raise_requests(uow, row, flow, run, services.clock(), services.settings.zone)

    store = RunStore(
        find_themes,
        services.clock,
        {FlowId.outcome: record_outcome, FlowId.challenge: record_challenge},
        [raise_child_requests],
    )
    return Core(services, flows, store, Conversations(services, flows, assess, store))
