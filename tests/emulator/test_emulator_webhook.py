"""With a webhook set, injected updates are POSTed to it with the secret header."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import Conflict

from bot.emulator import BotApiEmulator
from tests.emulator.emulator_support import USER

SECRET = "s3cret-token"


class Receiver:
    """A tiny webhook endpoint that records what it receives; can fail the first N posts."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[tuple[str | None, dict[str, object]]] = asyncio.Queue()
        self.failures_left = 0
        self.attempts = 0
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        """Record one delivery, or fail it while failures are planned."""
        self.attempts += 1
        if self.failures_left:
            self.failures_left -= 1
            return web.Response(status=500)
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        await self.received.put((secret, await request.json()))
        return web.Response()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield receiver
    await runner.cleanup()


async def test_updates_are_posted_to_the_webhook_with_the_secret(
    bot: Bot, emulator: BotApiEmulator, receiver: Receiver
) -> None:
    assert await bot.set_webhook(receiver.url, secret_token=SECRET)
    update_id = await emulator.send_text(USER, "/start")

    secret, update = await asyncio.wait_for(receiver.received.get(), 2)
    assert secret == SECRET
    assert update["update_id"] == update_id
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0


async def test_get_updates_conflicts_with_an_active_webhook(bot: Bot, receiver: Receiver) -> None:
    await bot.set_webhook(receiver.url)
    with pytest.raises(Conflict):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_failed_deliveries_are_retried(
    bot: Bot, emulator: BotApiEmulator, receiver: Receiver
) -> None:
    receiver.failures_left = 2
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    update_id = await emulator.send_text(USER, "hello")

    _, update = await asyncio.wait_for(receiver.received.get(), 3)
    assert update["update_id"] == update_id
    assert receiver.attempts == 3


async def test_updates_queued_before_the_webhook_is_set_are_delivered_in_order(
    bot: Bot, emulator: BotApiEmulator, receiver: Receiver
) -> None:
    first = await emulator.send_text(USER, "one")
    second = await emulator.send_text(USER, "two")
    await bot.set_webhook(receiver.url)
    delivered = [(await asyncio.wait_for(receiver.received.get(), 2))[1] for _ in range(2)]
    assert [u["update_id"] for u in delivered] == [first, second]
