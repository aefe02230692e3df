"""The web chat in the child's language in headless Chromium: Arabic reads right to left.

Screenshots are saved in the test's output folder (tmp_path/screenshots).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app.texts import message
from bot.bootstrap import build_core
from bot.settings import Settings
from bot.telegram.handlers.context import BotDeps
from bot.web.chat.app import PREFIX
from conversations.languages import SUPPORTED, native_name
from tests.browser import Browser, serve
from tests.e2e.conftest import RunningBot
from tests.web_chat.pages import axe_or_skip, press_named, serious_violations, step
from tests.web_chat.support import chat_site

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def bot_settings(bot_settings: Settings) -> Settings:
    """Every language offered."""
    return bot_settings.model_copy(update={"languages": SUPPORTED})


@pytest.fixture
async def chat(bot: RunningBot) -> AsyncIterator[str]:
    deps: BotDeps = bot.application.bot_data["mysay"]
    site = chat_site(build_core(bot.services), nudge=deps.deliver_outbox)
    async with serve(site) as base:
        yield base + PREFIX


async def _quick_exit_side(browser: Browser) -> str:
    """Which half of the page the quick exit button is in: it sits at the line's end."""
    box = await browser.page.locator(".quick-exit").bounding_box()
    width = await browser.page.evaluate("document.documentElement.clientWidth")
    assert box is not None
    return "left" if box["x"] + box["width"] / 2 < width / 2 else "right"


async def test_a_child_switches_the_chat_to_arabic_and_it_reads_right_to_left(
    browser: Browser, bot: RunningBot, chat: str
) -> None:
    page = browser.page
    await page.goto(f"{chat}/{await bot.invite('C001', 'child')}")
    await page.get_by_role("button", name=message("web.start_review")).wait_for()
    assert await page.evaluate("document.documentElement.dir") == "ltr"
    assert await _quick_exit_side(browser) == "right"

    await press_named(page, native_name("ar"))
    await page.locator("html[dir=rtl][lang=ar]").wait_for()
    await press_named(page, message("web.start_review", "ar"))
    assert await step(page)  # a question is waiting
    await browser.screenshot("arabic-question-right-to-left")

    assert await page.locator(".prompt").evaluate("node => getComputedStyle(node).direction") == (
        "rtl"
    )
    assert await _quick_exit_side(browser) == "left"
    chosen = page.locator(".languages button[aria-current=true]")
    assert await chosen.inner_text() == native_name("ar")

    await press_named(page, native_name("en"))
    await page.locator("html[dir=ltr][lang=en]").wait_for()
    assert await step(page)  # the same question, asked again in English
    await browser.screenshot("back-in-english-left-to-right")


async def test_the_chat_in_arabic_with_its_language_buttons_passes_the_accessibility_check(
    browser: Browser, bot: RunningBot, chat: str
) -> None:
    axe_or_skip()
    page = browser.page
    await page.goto(f"{chat}/{await bot.invite('C001', 'child')}")
    await press_named(page, native_name("ar"))
    await press_named(page, message("web.start_review", "ar"))
    assert await serious_violations(page) == []
