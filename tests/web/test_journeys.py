"""Journeys through the workspace in headless Chromium (Debian's), with screenshots saved in
each test's output folder: an IRO reads a child's views (the child's read receipt arrives in
the Telegram emulator), records an outcome and acknowledges a flag; a manager filters the
report and downloads it; a form posted without its token is refused."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import Page, expect

from bot.app import admin
from bot.app.web_access import issue_sign_in_link_for, sign_in_link
from bot.telegram.handlers.context import bot_deps
from bot.web.server import mount_workspace
from storage.models import Flag
from tests.browser import Browser, serve
from tests.e2e.conftest import CHILD_ID, RunningBot
from tests.e2e.driver import Person, answer_until_summary, join
from tests.support import MutableClock
from tests.web.test_oversight import xlsx_held

pytestmark = pytest.mark.e2e


@pytest.fixture
async def workspace(bot: RunningBot) -> AsyncIterator[str]:
    """The workspace beside the running bot (what a page queues is delivered at once)."""
    root = web.Application()
    mount_workspace(
        root, bot.services, bot.services.settings, bot_deps(bot.application).deliver_outbox
    )
    async with serve(root) as base:
        yield base


async def _sign_in(browser: Browser, bot: RunningBot, base: str, username: str) -> Page:
    page = browser.page
    await page.goto(sign_in_link(base, await issue_sign_in_link_for(bot.services, username)))
    await browser.screenshot(f"sign-in-{username}")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("button", name=f"Sign out {username}")).to_be_visible()
    return page


async def _child_sends_views(bot: RunningBot) -> Person:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    summary = await answer_until_summary(child, await child.question())
    await child.press("Send", summary)
    # Send is edited into the thanks, beside the summary it was pressed on.
    await child.read(lambda m: "Thank you for telling us" in (m.text or ""))
    return child


async def _flag_for_c001(bot: RunningBot) -> int:
    now = bot.services.clock()
    async with bot.services.uow() as uow:
        child = await uow.children.by_case_ref("C001")
        assert child is not None
        flag = uow.flags.add(
            Flag(
                child_id=child.id,
                level="concern",
                categories="emotional_wellbeing",
                rules="example",
                text_cipher=uow.cipher.encrypt("an example of flagged words"),
                created_at=now,
                respond_by=now + timedelta(hours=4),
            )
        )
        await uow.commit()
        return flag.id


async def test_an_iro_reads_views_records_an_outcome_and_acknowledges_a_flag(
    bot: RunningBot, workspace: str, browser: Browser, clock: MutableClock
) -> None:
    child = await _child_sends_views(bot)
    clock.advance(days=8)  # the meeting on 7 December has been held
    flag_id = await _flag_for_c001(bot)
    page = await _sign_in(browser, bot, workspace, "iro1")
    await expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    await expect(page.get_by_role("link", name="C002")).to_have_count(0)
    await page.keyboard.press("Tab")  # the first stop is the skip link, and it shows
    await expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    await browser.screenshot("caseload")

    await page.get_by_role("link", name="C001").click()
    await expect(page.get_by_role("heading", name=re.compile("^Case C001"))).to_be_visible()
    await expect(page.get_by_text("typed answer 1")).to_be_visible()
    await expect(page).to_have_title("Case C001 - My Say staff")
    await browser.screenshot("child-views")
    await page.set_viewport_size({"width": 390, "height": 844})  # a phone
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await browser.screenshot("child-views-phone")
    await page.set_viewport_size({"width": 1280, "height": 720})
    receipt = await child.read_until("read what you sent")
    assert receipt.text == "Your IRO has read what you sent for your meeting on Monday 7 December."

    await page.get_by_role("link", name="Record the outcome").click()
    await page.get_by_label("When was the meeting held?").fill("07/12/2026")
    await page.locator("#in_timescale-yes").check()
    await page.get_by_label(re.compile("^PN1 - Attended and spoke")).check()
    await page.locator("#seen_before-yes").check()
    await page.get_by_label(re.compile("^Write a short note")).fill("You will stay where you are.")
    await browser.screenshot("outcome-form")
    await page.get_by_role("button", name="Save the outcome").click()
    await expect(page.get_by_text("Outcome recorded")).to_be_visible()
    await browser.screenshot("outcome-recorded")
    note = await child.read_until("What happened at your meeting")
    assert "You will stay where you are." in note.text

    await page.get_by_role("link", name="Flags").click()
    await page.get_by_role("button", name=f"Acknowledge #{flag_id}").click()
    await expect(page.get_by_text("Flag acknowledged.")).to_be_visible()
    await browser.screenshot("flag-acknowledged")
    async with bot.services.uow() as uow:
        flag = await uow.flags.get(flag_id)
        review = await uow.reviews.latest_for_child(1, date(2026, 12, 8))
        assert flag is not None and flag.status == "acknowledged"
        assert review is not None and review.participation == "PN1"
    assert len(browser.taken) == 7


async def _held_meetings(bot: RunningBot) -> None:
    now = bot.services.clock()
    async with bot.services.uow() as uow:
        for month in range(3, 9):
            due = date(2026, month, 3)
            await admin.add_review(uow, "C001", "cla_review", due, due, now)
        await admin.add_review(uow, "C002", "icpc", date(2026, 6, 6), date(2026, 6, 6), now)
        await uow.commit()


async def _download(page: Page, link: str, folder: Path) -> Path:
    async with page.expect_download() as started:
        await page.get_by_role("link", name=link).click()
    download = await started.value
    path = folder / download.suggested_filename
    await download.save_as(path)
    return path


async def test_a_manager_filters_the_report_and_downloads_matching_figures(
    bot: RunningBot, workspace: str, browser: Browser, tmp_path: Path
) -> None:
    await _held_meetings(bot)
    page = await _sign_in(browser, bot, workspace, "manager1")
    await expect(page.get_by_role("heading", name="Participation report")).to_be_visible()
    await browser.screenshot("report")
    await page.get_by_label("From").fill("2026-01-01")
    await page.get_by_label("To").fill("2026-11-30")
    await page.get_by_label("Kind of meeting").select_option("cla_review")
    await page.get_by_label("Meetings chaired by").select_option("iro1")
    await page.get_by_role("button", name="Show").click()
    await expect(page).to_have_url(re.compile("iro=iro1"))
    held = page.locator('[data-measure="cla_review.held"]')
    await expect(held).to_have_text("6")
    await expect(page.locator('[data-kind="icpc"]')).to_have_count(0)
    await browser.screenshot("report-filtered")

    report = json.loads((await _download(page, "JSON", tmp_path)).read_text())
    figures = dict(csv.reader(io.StringIO((await _download(page, "CSV", tmp_path)).read_text())))
    workbook = (await _download(page, "Excel (XLSX)", tmp_path)).read_bytes()
    assert report["options"]["chaired_by"] == "iro1"
    assert report["cla_review"]["held"] == 6
    assert figures["cla_review.held"] == "6"
    assert figures["cla_review.in_timescale.of"] == str(report["cla_review"]["in_timescale"]["of"])
    assert xlsx_held(workbook) == 6
    await browser.screenshot("downloaded")


async def test_a_form_posted_without_its_token_is_refused(
    bot: RunningBot, workspace: str, browser: Browser
) -> None:
    flag_id = await _flag_for_c001(bot)
    page = await _sign_in(browser, bot, workspace, "iro1")
    await page.get_by_role("link", name="Flags").click()
    button = page.get_by_role("button", name=f"Acknowledge #{flag_id}")
    await (
        button.locator("xpath=..")
        .locator("input[name=csrf_token]")
        .evaluate("input => input.remove()")
    )
    await button.click()
    await expect(page.get_by_text("This form has expired")).to_be_visible()
    await browser.screenshot("refused-without-token")
    async with bot.services.uow() as uow:
        flag = await uow.flags.get(flag_id)
        assert flag is not None and flag.status == "open"


async def test_an_iro_asks_the_bot_for_a_link_that_signs_them_in(
    bot: RunningBot, workspace: str, browser: Browser
) -> None:
    iro = bot.person(2001)
    await iro.type(f"/start {await bot.invite_staff('iro1')}")
    await iro.read_until("staff account")
    await iro.type("/web")
    sent = await iro.read_until("/staff/signin/")
    link = re.search(r"https?://\S+/staff/signin/\S+", sent.text)
    assert link is not None and "works once, for the next 10 minutes" in sent.text
    # The bot writes the configured public address; this test serves on its own port.
    path = link.group(0).split("/staff/", 1)[1]
    await browser.page.goto(f"{workspace}/staff/{path}")
    await browser.page.get_by_role("button", name="Sign in").click()
    await expect(browser.page.get_by_role("heading", name="Caseload")).to_be_visible()
    await browser.screenshot("signed-in-from-the-bot")
    family = bot.person(CHILD_ID)
    await join(family, await bot.invite("C001", "child"))
    await family.type("/web")
    assert "for IROs and managers" in (await family.read()).text
