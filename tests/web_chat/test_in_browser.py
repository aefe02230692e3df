"""The web chat in headless Chromium beside the real bot on the Bot API emulator.

A child's journeys through the browser link, with JavaScript and without; what the IRO then
gets in Telegram; quick exit; and an accessibility check with axe-core. Screenshots are
saved in each test's output folder (tmp_path/screenshots).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from playwright.async_api import Page, Route

from bot.app import admin
from bot.app.texts import message
from bot.bootstrap import build_core
from bot.settings import Settings
from bot.telegram.handlers.context import BotDeps
from bot.web.chat.app import PREFIX
from tests.browser import Browser, serve
from tests.e2e.conftest import IRO_ID, RunningBot
from tests.e2e.driver import Person, join
from tests.web_chat.pages import (
    answer_until_summary,
    axe_or_skip,
    press,
    press_named,
    serious_violations,
    step,
    type_answer,
)
from tests.web_chat.support import chat_site

# One database is enough to drive a browser; the routes are tested on both.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

DISCLOSURE = "my stepdad hits me when mum is at work"
NEUTRAL = "Today's weather"


@pytest.fixture
def quick_exit_url(settings: Settings) -> str:
    return settings.quick_exit_url


@pytest.fixture
async def chat(bot: RunningBot) -> AsyncIterator[str]:
    """The web chat over the running bot's services; answers nudge its outbox as Telegram's
    do. Gives the chat's base URL."""
    deps: BotDeps = bot.application.bot_data["mysay"]
    site = chat_site(build_core(bot.services), nudge=deps.deliver_outbox)
    async with serve(site) as base:
        yield base + PREFIX


async def _open(page: Page, chat: str, bot: RunningBot, case_ref: str = "C001") -> None:
    code = await bot.invite(case_ref, "child")
    await page.goto(f"{chat}/{code}")
    await page.get_by_role("button", name="Get ready for my meeting").wait_for()


async def _getting_ready(page: Page, chat: str, bot: RunningBot) -> None:
    """Open the chat from a new invitation and press "Get ready for my meeting"."""
    await _open(page, chat, bot)
    await press_named(page, "Get ready for my meeting")


async def _iro(bot: RunningBot) -> Person:
    iro = bot.person(IRO_ID)
    assert "staff account" in (await join(iro, await bot.invite_staff("iro1"))).text
    return iro


async def test_a_child_completes_their_views_in_the_browser_and_the_iro_reads_them(
    browser: Browser, bot: RunningBot, chat: str
) -> None:
    page = browser.page
    iro = await _iro(bot)
    await _open(page, chat, bot)
    await browser.screenshot("opened-from-the-link")
    await press_named(page, "Get ready for my meeting")
    await press_named(page, "Really happy")
    await answer_until_summary(page)
    await browser.screenshot("summary")
    await press_named(page, "Change 1")
    assert await step(page) == "home_feel"
    await press_named(page, "Unhappy", exact=True)
    await page.locator(".prompt .changes").wait_for()
    assert "🙁 Unhappy" in await page.locator(".summary").inner_text()
    await press_named(page, "Send")
    await page.get_by_role("button", name="Get ready for my meeting").wait_for()
    await browser.screenshot("sent")

    # The first option of "would you like to talk before the meeting" is a request.
    request = await iro.read_until("A child has asked for something")
    assert "Case: C001" in request.text
    await iro.type("/views C001")
    views = await iro.read_until("typed answer")
    assert "C001" in views.text and "Unhappy" in views.text
    # The read receipt reaches the web chat, as it would reach Telegram.
    await page.get_by_role("link", name="From your IRO").click()
    await page.get_by_text("read what you sent").wait_for()
    await browser.screenshot("read-receipt")


async def test_a_disclosure_gets_the_support_reply_and_the_iro_is_alerted(
    browser: Browser, bot: RunningBot, chat: str
) -> None:
    page = browser.page
    iro = await _iro(bot)
    await _getting_ready(page, chat, bot)
    await press_named(page, "OK")
    await type_answer(page, DISCLOSURE)
    support = page.locator(".bubble.urgent")
    assert "You did the right thing" in await support.inner_text()
    assert "0800 1111" in await support.inner_text()
    assert DISCLOSURE not in await page.title() and DISCLOSURE not in page.url
    await browser.screenshot("support-reply")
    alert = await iro.read_until("Safeguarding alert")
    assert "Case: C001" in alert.text and "URGENT" in alert.text
    assert DISCLOSURE not in alert.text


async def test_a_tab_closed_halfway_reopens_at_the_same_step(
    browser: Browser, bot: RunningBot, chat: str
) -> None:
    page = browser.page
    await _getting_ready(page, chat, bot)
    await press_named(page, "Really happy")
    await type_answer(page, "my room is nice")
    halfway = await step(page)
    await browser.screenshot("halfway")
    await page.close()

    browser.page = page = await page.context.new_page()
    await page.goto(f"{chat}/")
    assert await step(page) == halfway
    shown = await page.locator(".chat").inner_text()
    assert "Really happy" in shown and "my room is nice" in shown
    # Where the browser can speak, the question can be read aloud.
    assert await page.get_by_role("button", name="Read it to me").is_visible()
    await browser.screenshot("reopened")


async def test_quick_exit_clears_the_page_and_back_does_not_return(
    browser: Browser, bot: RunningBot, chat: str, quick_exit_url: str
) -> None:
    page = browser.page

    async def neutral(route: Route) -> None:
        await route.fulfill(
            body=f"<title>Weather</title><p>{NEUTRAL}</p>", content_type="text/html"
        )

    await page.route(quick_exit_url + "**", neutral)
    await _getting_ready(page, chat, bot)
    await page.get_by_role("link", name="Quick exit").click()
    await page.get_by_text(NEUTRAL).wait_for()
    await browser.screenshot("after-quick-exit")
    assert page.url.startswith(quick_exit_url)
    await page.go_back()
    assert PREFIX not in page.url
    # Esc leaves the same way.
    await page.goto(f"{chat}/")
    await page.locator(".prompt").wait_for()
    await page.keyboard.press("Escape")
    await page.get_by_text(NEUTRAL).wait_for()
    assert page.url.startswith(quick_exit_url)


async def test_the_whole_flow_works_with_javascript_off(
    browser: Browser, bot: RunningBot, chat: str
) -> None:
    context = await browser.page.context.browser.new_context(  # type: ignore[union-attr]
        java_script_enabled=False, locale="en-GB"
    )
    try:
        browser.page = page = await context.new_page()
        await _getting_ready(page, chat, bot)
        await answer_until_summary(page)
        await browser.screenshot("no-javascript-summary")
        await press_named(page, "Change 1")
        await press_named(page, "Really unhappy")
        await page.locator(".prompt .changes").wait_for()
        await press_named(page, "Send")
        await page.get_by_role("button", name="Get ready for my meeting").wait_for()
        await browser.screenshot("no-javascript-sent")
    finally:
        await context.close()
    async with bot.services.uow() as uow:
        sent = await uow.runs.submitted_for([p.id for p in await uow.participants.for_child(1)])
        assert [run.flow_id for run in sent] == ["child_before_review"]


async def test_the_chat_pages_have_no_serious_accessibility_violations(
    browser: Browser, bot: RunningBot, chat: str
) -> None:
    axe_or_skip()
    async with bot.services.uow() as uow:
        now = bot.services.clock()
        await admin.add_child(uow, "C003", now, birth_date=date(2020, 3, 1), iro_username="iro1")
        await uow.flush()
        await admin.add_review(uow, "C003", "cla_review", date(2026, 12, 9), None, now)
        await uow.commit()
    page = browser.page
    found: dict[str, list[dict[str, object]]] = {}

    async def check(name: str) -> None:
        await browser.screenshot(name)
        found[name] = await serious_violations(page)

    await _open(page, chat, bot, "C003")  # under 8: the large faces
    await check("start")
    await press_named(page, "Get ready for my meeting")
    await check("faces-under-8")
    await answer_until_summary(page)
    await check("summary")
    for link in ("My answers", "From your IRO", "My PIN"):
        await press(page, page.get_by_role("link", name=link))
        await check(link)
    other = await page.context.browser.new_page()  # type: ignore[union-attr]
    await other.goto(f"{chat}/{'x' * 32}")
    browser.page = page = other
    await check("unknown-link")
    assert found == {name: [] for name in found}


async def test_words_the_chat_does_not_take_stay_whole_in_the_box(
    browser: Browser, bot: RunningBot, chat: str
) -> None:
    page = browser.page
    await _getting_ready(page, chat, bot)
    await press_named(page, "Really happy")
    assert await step(page) == "home_more"
    too_long = " ".join(["wordy"] * 840)  # 5,039 characters: the flow takes 4,096
    await type_answer(page, too_long)
    await page.get_by_text("please keep it under 4096 characters").wait_for()
    assert await page.locator("#words").input_value() == too_long
    await browser.screenshot("too-long-kept")
    await type_answer(page, "/foo")
    await page.get_by_text(message("refusal.unknown_command.web_chat")).wait_for()
    assert await page.locator("#words").input_value() == "/foo"
    assert await step(page) == "home_more"
    await browser.screenshot("command-answered")
    await type_answer(page, "y" * 2500)
    assert await step(page) != "home_more"
    assert await page.locator("#words").input_value() == ""  # taken: the box is empty
