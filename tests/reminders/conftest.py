"""Fixtures for reminder tests: services on a hand-moved clock, and the e2e bot fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.bootstrap import Services, open_services
from bot.settings import Settings

# Re-exported so the end-to-end reminder test can use the running bot from tests/e2e.
from tests.e2e.conftest import bot, bot_settings, emulator, start_bot  # noqa: F401
from tests.support import MutableClock


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock()


@pytest.fixture
async def swept(settings: Settings, clock: MutableClock) -> AsyncIterator[Services]:
    """Services whose clock the test moves, on the parametrised database."""
    async with open_services(settings, clock=clock) as opened:
        yield opened
