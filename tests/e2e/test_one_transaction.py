"""A participant's input through the Telegram adapter is one transaction: the note of the
message showing the question before is written in the next input's transaction, not after
each reply in one of its own (`bot.telegram.handlers.questions`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event, select
from telegram import Update

from bot.bootstrap import Services, build_core, open_services
from bot.emulator import BotApiEmulator, SentMessage
from bot.settings import Settings
from bot.telegram.application import PTBApplication, build_application
from storage.models import TelegramPrompt
from tests.e2e.conftest import CHILD_ID, seed_case
from tests.support import MutableClock, issue_invitation


class Chat:
    """The child's chat, each update handed to the bot (initialised, its jobs not started,
    so every transaction counted is the update's own)."""

    def __init__(self, emulator: BotApiEmulator, application: PTBApplication) -> None:
        self.emulator = emulator
        self.application = application

    async def handle(self, update_id: int) -> None:
        data = next(u for u in self.emulator.state.updates if u["update_id"] == update_id)
        self.emulator.state.updates.remove(data)
        await self.application.process_update(Update.de_json(data, self.application.bot))

    async def type(self, text: str) -> None:
        await self.handle(await self.emulator.send_text(CHILD_ID, text))

    async def press(self, message: SentMessage, label: str) -> None:
        data = next(d for text, d in message.buttons if label in text)
        assert data is not None
        await self.handle(await self.emulator.press_button(CHILD_ID, message.message_id, data))

    def last(self) -> SentMessage:
        return self.emulator.state.transcript(CHILD_ID)[-1]


@pytest.fixture
async def opened(
    bot_settings: Settings, clock: MutableClock
) -> AsyncIterator[tuple[Services, PTBApplication]]:
    async with open_services(bot_settings, clock=clock) as services:
        await seed_case(services)
        application = build_application(build_core(services))
        await application.initialize()
        try:
            yield services, application
        finally:
            await application.shutdown()


async def _noted(services: Services) -> list[int]:
    async with services.uow() as uow:
        return list(await uow.session.scalars(select(TelegramPrompt.message_id)))


async def test_a_typed_answer_is_one_transaction_with_the_note_of_the_question_before(
    opened: tuple[Services, PTBApplication], emulator: BotApiEmulator
) -> None:
    services, application = opened
    chat = Chat(emulator, application)
    await chat.type(f"/start {await issue_invitation(services, 'C001', 'child')}")
    await chat.type("/review")
    await chat.press(chat.last(), "OK")
    asked = chat.last()
    assert "Type your answer" in asked.text

    begun: list[object] = []

    def count(*_: Any) -> None:
        begun.append(None)

    engine = services.database.engine.sync_engine
    event.listen(engine, "begin", count)
    try:
        await chat.type("my room is nice")
    finally:
        event.remove(engine, "begin", count)
    assert "school" in chat.last().text
    assert len(begun) == 1
    shown = chat.last().message_id
    assert shown != asked.message_id and await _noted(services) == [asked.message_id]
    # Stopping writes the note still held: the question now shown.
    await application.shutdown()
    assert await _noted(services) == [shown]
