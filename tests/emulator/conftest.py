"""Fixtures for the Bot API emulator tests: a running emulator and a real PTB `Bot` on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.emulator import BotApiEmulator, EmulatorClient, EmulatorControl
from tests.emulator.emulator_support import FIXED_TIME


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(clock=lambda: FIXED_TIME) as emu:
        yield emu


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(
        emulator.token, base_url=emulator.base_url, base_file_url=emulator.base_file_url
    ) as ptb_bot:
        yield ptb_bot


@pytest.fixture(params=["in_process", "http"])
async def control(
    request: pytest.FixtureRequest, emulator: BotApiEmulator
) -> AsyncIterator[EmulatorControl]:
    """The emulator's control API, directly and through `EmulatorClient`: tests run on both."""
    if request.param == "in_process":
        yield emulator
        return
    async with EmulatorClient(emulator.url) as client:
        yield client
