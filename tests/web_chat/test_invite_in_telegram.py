"""An IRO's /invite for a child offers both doors: Telegram and the browser."""

from __future__ import annotations

import pytest

from bot.emulator import BotApiEmulator
from bot.settings import Settings
from tests.e2e.conftest import IRO_ID, RunningBot
from tests.e2e.driver import join

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
WEB_URL = "https://mysay.example.org"


@pytest.fixture
def bot_settings(settings: Settings, emulator: BotApiEmulator) -> Settings:
    return settings.model_copy(
        update={
            "telegram_token": emulator.token,
            "telegram_api_url": emulator.base_url,
            "web_url": WEB_URL,
        }
    )


async def test_invite_prints_the_telegram_and_the_browser_link_for_a_child(
    bot: RunningBot,
) -> None:
    iro = bot.person(IRO_ID)
    await join(iro, await bot.invite_staff("iro1"))
    await iro.type("/invite C001 child")
    made = await iro.read_until("Invitation for the child")
    code = made.text.split("?start=", 1)[1].split()[0]
    assert (
        f"Open in your browser (for children under 16 or without Telegram): {WEB_URL}/c/{code}"
        in made.text
    )
    assert "Open in Telegram: https://t.me/" in made.text
    await iro.type("/invite C001 parent")
    parent = await iro.read_until("Invitation for the parent")
    assert "/c/" not in parent.text
