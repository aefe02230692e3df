"""Webhook fixtures: the bot behind its aiohttp app, with the emulator posting to it."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web

from bot.bootstrap import Services, build_core, open_services
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from bot.telegram.application import PTBApplication, build_application
from bot.telegram.webhook import create_web_app, register_webhook
from tests.e2e.conftest import seed_case
from tests.support import MutableClock

SECRET = "webhook-Secret_123"


def bound_socket() -> socket.socket:
    """A listening address chosen by the OS, known before the web app is built."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def webhook_settings(settings: Settings, emulator: BotApiEmulator, port: int) -> Settings:
    return settings.model_copy(
        update={
            "telegram_token": emulator.token,
            "telegram_api_url": emulator.base_url,
            "webhook_url": f"http://127.0.0.1:{port}/telegram",
            "webhook_secret": SECRET,
        }
    )


@dataclass
class WebhookBot:
    services: Services
    application: PTBApplication
    emulator: BotApiEmulator
    settings: Settings

    @property
    def url(self) -> str:
        return self.settings.webhook_url

    @property
    def health_url(self) -> str:
        return self.url.replace("/telegram", "/health")


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emu:
        yield emu


@pytest.fixture
async def webhook_bot(settings: Settings, emulator: BotApiEmulator) -> AsyncIterator[WebhookBot]:
    """The bot behind its web app on a free port, with the webhook set and a case seeded."""
    sock = bound_socket()
    bot_settings = webhook_settings(settings, emulator, sock.getsockname()[1])
    async with open_services(bot_settings, clock=MutableClock()) as services:
        application = build_application(build_core(services), polling=False)
        runner = web.AppRunner(create_web_app(services, application, bot_settings))
        await runner.setup()
        try:
            await web.SockSite(runner, sock).start()
            await register_webhook(application, bot_settings)
            await seed_case(services)
            yield WebhookBot(services, application, emulator, bot_settings)
        finally:
            await runner.cleanup()
