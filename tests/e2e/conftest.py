"""End-to-end fixtures: the real bot, polling a Bot API emulator over HTTP, on a real database."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from bot.app import admin
from bot.bootstrap import Services, build_core, open_services
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from bot.telegram.application import PTBApplication, build_application
from bot.telegram.runtime import (
    CHATTY_LIBRARIES,
    QUIET_LIBRARIES,
    configure_logging,
    start_polling,
)
from tests.e2e.driver import Person
from tests.support import MutableClock, issue_invitation, issue_staff_invitation

CHILD_ID, PARENT_ID, IRO_ID, MANAGER_ID, OTHER_IRO_ID = 1001, 1002, 2001, 2002, 2003


@contextlib.contextmanager
def logging_as_run(level: int) -> Iterator[None]:
    """Configure logging as `mysay run` does at `level`, and put every level back after."""
    names = ["", *QUIET_LIBRARIES, *CHATTY_LIBRARIES]
    levels = {name: logging.getLogger(name).level for name in names}
    configure_logging(level)
    try:
        yield
    finally:
        for name, level_before in levels.items():
            logging.getLogger(name).setLevel(level_before)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emu:
        yield emu


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock()


@pytest.fixture
def bot_settings(settings: Settings, emulator: BotApiEmulator) -> Settings:
    return settings.model_copy(
        update={"telegram_token": emulator.token, "telegram_api_url": emulator.base_url}
    )


@dataclass
class RunningBot:
    services: Services
    application: PTBApplication
    emulator: BotApiEmulator

    def person(self, user_id: int) -> Person:
        return Person(self.emulator, user_id)

    async def invite(self, case_ref: str, role: str) -> str:
        return await issue_invitation(self.services, case_ref, role)

    async def invite_staff(self, username: str) -> str:
        return await issue_staff_invitation(self.services, username)


async def seed_case(services: Services, *, kind: str = "cla_review", held: bool = False) -> None:
    """An IRO, a manager, another IRO, and child C001 (aged 13) with a review next week."""
    now = services.clock()
    async with services.uow() as uow:
        await admin.add_staff(uow, "iro1", "Sam Patel", "iro", IRO_ID, now)
        await admin.add_staff(uow, "manager1", "Demo Manager", "manager", MANAGER_ID, now)
        await admin.add_staff(uow, "iro2", "Other IRO", "iro", OTHER_IRO_ID, now)
        await uow.flush()
        await admin.add_child(uow, "C001", now, birth_date=date(2013, 5, 1), iro_username="iro1")
        await admin.add_child(uow, "C002", now, birth_date=date(2015, 1, 9), iro_username="iro2")
        await uow.flush()
        await admin.add_review(uow, "C001", kind, date(2026, 12, 7), None, now)
        if held:
            await admin.add_review(uow, "C001", kind, date(2026, 6, 7), date(2026, 6, 7), now)
        await uow.commit()


StartBot = Callable[[], Awaitable[RunningBot]]


@pytest.fixture
async def start_bot(
    bot_settings: Settings, emulator: BotApiEmulator, clock: MutableClock
) -> AsyncIterator[StartBot]:
    """Start the bot in-process (call again after a stop to 'restart' it)."""
    running: list[tuple[PTBApplication, object]] = []

    async def start() -> RunningBot:
        opened = open_services(bot_settings, clock=clock)
        services = await opened.__aenter__()
        application = build_application(build_core(services))
        await application.initialize()
        await start_polling(application, long_poll_seconds=1)
        running.append((application, opened))
        return RunningBot(services, application, emulator)

    yield start
    for application, opened in reversed(running):
        await stop_bot(application)
        await opened.__aexit__(None, None, None)  # type: ignore[attr-defined]


async def stop_bot(application: PTBApplication) -> None:
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    running = await start_bot()
    await seed_case(running.services)
    return running
