"""Webhook updates are stored, answered, then handled from the store: once each, in order."""

from __future__ import annotations

import aiohttp

from bot.app import texts
from bot.emulator import BotApiEmulator
from bot.telegram.commands import COMMANDS
from bot.telegram.webhook import SECRET_HEADER
from tests.support import eventually
from tests.webhook.conftest import SECRET, WebhookBot
from tests.webhook.workers import command_update

STRANGER = 4343
# Commands anyone may send, each answered with one message of its own.
REPLIES = {
    "/help": COMMANDS.help(None),
    "/privacy": texts.privacy_for(None),
    "/helpnow": texts.message("safety.help_now"),
    "/myanswers": "You haven't sent anything yet.",
    "/dance": texts.message("refusal.unknown_command"),
}


async def _replies(emulator: BotApiEmulator, user_id: int, count: int) -> list[str]:
    """Wait until `count` messages reached the chat; give the texts of all it has."""

    async def arrived() -> bool:
        return len(await emulator.sent_messages(user_id)) >= count

    assert await eventually(arrived, seconds=30)
    return [message.text or "" for message in await emulator.sent_messages(user_id)]


async def test_an_update_delivered_twice_is_handled_once(webhook_bot: WebhookBot) -> None:
    emulator = webhook_bot.emulator
    emulator.state.chat_started(emulator.state.chat(STRANGER))
    headers = {SECRET_HEADER: SECRET}
    async with aiohttp.ClientSession(headers=headers) as session:
        for update in [
            command_update(500, STRANGER, "/help"),
            command_update(500, STRANGER, "/help"),  # Telegram did not hear our 200
            command_update(501, STRANGER, "/privacy"),
        ]:
            async with session.post(webhook_bot.url, json=update) as response:
                assert response.status == 200

    # Had the first come twice, its reply would stand twice before the later one's.
    assert await _replies(emulator, STRANGER, 2) == [REPLIES["/help"], REPLIES["/privacy"]]


async def test_updates_another_worker_stored_are_handled_here_in_order(
    webhook_bot: WebhookBot,
) -> None:
    """Updates stored by a worker that died before handling them are picked up by the poll."""
    emulator, services = webhook_bot.emulator, webhook_bot.services
    emulator.state.chat_started(emulator.state.chat(STRANGER))
    commands = ["/privacy", "/dance", "/helpnow", "/help", "/myanswers"]
    async with services.uow() as uow:
        for update_id, command in reversed(list(enumerate(commands, start=700))):
            body = command_update(update_id, STRANGER, command)
            await uow.inbound.add(update_id, STRANGER, body, services.clock())
        await uow.commit()

    assert await _replies(emulator, STRANGER, len(commands)) == [REPLIES[c] for c in commands]

    async def all_marked_handled() -> bool:
        async with services.uow() as uow:
            return await uow.inbound.waiting_chats(10) == []

    assert await eventually(all_marked_handled)
