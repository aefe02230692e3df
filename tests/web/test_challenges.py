"""The challenge form of the staff workspace: /challenge's questions on one page, checked by the
same flow and recorded by the same use case as the bot's; refusals shown beside the answer,
with everything typed kept; and the journey in headless Chromium, with screenshots."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import expect
from sqlalchemy import select

from bot.app.web_access import issue_sign_in_link_for, sign_in_link
from bot.bootstrap import open_services
from bot.settings import Settings
from bot.web.server import mount_workspace
from storage.models import AuditEvent, Challenge
from tests.browser import Browser, serve
from tests.support import MutableClock
from tests.web.conftest import Site, seed_workspace

FORM = "/staff/children/C001/challenge"
# Raised in October, at the first formal stage, not resolved yet (the clock is 2026-11-30).
RAISED = {"raised_on": "14/10/2026", "category": "drift_and_delay", "stage": "formal1"}


async def _challenges(site: Site) -> list[dict[str, Any]]:
    async with site.services.uow() as uow:
        rows = await uow.session.scalars(select(Challenge).order_by(Challenge.id))
        return [
            {
                "raised_on": row.raised_on,
                "category": row.category,
                "stage": row.stage,
                "resolved_on": row.resolved_on,
                "outcome": row.outcome,
                "raised_by_id": row.raised_by_id,
            }
            for row in rows
        ]


async def test_the_form_asks_what_challenge_asks_of_the_childs_iro_only(site: Site) -> None:
    await site.sign_in_as("iro1")
    page = await (await site.client.get(FORM)).text()
    for words in (
        "When did you raise the issue?",
        "What was the issue about?",
        "Which stage has it reached?",
        "Has it been resolved?",
        "When was it resolved?",
        "How did it end?",
    ):
        assert words in page, words
    assert page.count("Only if it has been resolved.") == 2
    assert 'value="drift_and_delay"' in page and 'value="formal3"' in page
    child_page = await (await site.client.get("/staff/children/C001")).text()
    assert FORM in child_page
    # C002 is another IRO's child: for iro1 neither the form nor a post finds it.
    assert (await site.client.get("/staff/children/C002/challenge")).status == 404
    refused = await site.post("/staff/children/C002/challenge", {**RAISED, "resolved": "no"})
    assert refused.status == 404 and await _challenges(site) == []


async def test_a_challenge_is_recorded_and_the_same_issue_moves_on_a_stage(site: Site) -> None:
    await site.sign_in_as("iro1")
    first = await site.post(FORM, {**RAISED, "resolved": "no"})
    assert first.status == 200 and "Challenge recorded" in await first.text()
    resolved = {
        **RAISED,
        "stage": "formal2",
        "resolved": "yes",
        "resolved_on": "20/11/2026",
        "outcome": "partly_resolved",
    }
    second = await site.post(FORM, resolved)
    page = await second.text()
    assert second.status == 200 and "Challenge recorded" in page
    async with site.services.uow() as uow:
        iro = await uow.staff.by_username("iro1")
        assert iro is not None
        iro_id = iro.id
        audited = list(
            await uow.session.scalars(
                select(AuditEvent.actor).where(AuditEvent.action == "challenge_recorded")
            )
        )
    assert await _challenges(site) == [
        {
            "raised_on": date(2026, 10, 14),
            "category": "drift_and_delay",
            "stage": "formal2",
            "resolved_on": date(2026, 11, 20),
            "outcome": "partly_resolved",
            "raised_by_id": iro_id,
        }
    ]
    assert audited == [f"staff:{iro_id}"] * 2
    # The log on the page, in the flow's words.
    assert re.search(r"14/10/2026</td><td>Drift and delay</td><td>Formal stage 2</td>", page)


@pytest.mark.parametrize(
    ("change", "step", "words"),
    [
        ({"raised_on": "14/10/2027"}, "raised_on", "still to come"),
        ({"raised_on": "31/02/2026"}, "raised_on", "like 25/12/2024"),
        ({"category": ""}, "category", ""),
        ({"resolved_on": "20/11/2026"}, "resolved_on", "does not go with your other answers"),
        (
            {"resolved": "yes", "resolved_on": "13/10/2026", "outcome": "resolved"},
            "resolved_on",
            "before the earlier date you gave (14/10/2026)",
        ),
    ],
)
async def test_the_form_refuses_what_challenge_refuses_and_keeps_every_answer(
    site: Site, change: dict[str, str], step: str, words: str
) -> None:
    await site.sign_in_as("iro1")
    posted = {**RAISED, "resolved": "no", **change}
    response = await site.post(FORM, posted)
    page = await response.text()
    assert response.status == 400 and 'role="alert"' in page and words in page
    assert f'href="#{step}"' in page  # the problem links to its answer
    assert re.search(rf'id="{step}"[^>]*aria-invalid="true"', page), step
    for name, value in posted.items():
        if value and name in ("raised_on", "resolved_on"):
            assert f'value="{value}"' in page, name
        elif value:
            assert re.search(rf'name="{name}" value="{value}" checked', page), name
    assert await _challenges(site) == []


@pytest.fixture
async def served(settings: Settings) -> AsyncIterator[tuple[str, Any]]:
    """The workspace on a local port, on a real database, for the browser."""
    async with open_services(settings, clock=MutableClock()) as services:
        await seed_workspace(services)
        root = web.Application()
        mount_workspace(root, services, settings, None)
        async with serve(root) as base:
            yield base, services


async def test_an_iro_records_a_challenge_in_the_browser_after_a_refusal(
    served: tuple[str, Any], browser: Browser
) -> None:
    base, services = served
    page = browser.page
    await page.goto(sign_in_link(base, await issue_sign_in_link_for(services, "iro1")))
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("link", name="C001").click()
    await page.get_by_role("link", name="Record a challenge").click()
    await expect(page.get_by_role("heading", name="Record a challenge: case C001")).to_be_visible()
    await page.get_by_label(re.compile("^When did you raise the issue?")).fill("14/10/2027")
    await page.get_by_label("Drift and delay").check()
    await page.get_by_label("Formal stage 1").check()
    await page.locator("#resolved-no").check()
    await browser.screenshot("challenge-form")
    await page.get_by_role("button", name="Save the challenge").click()

    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("still to come")
    raised = page.get_by_label(re.compile("^When did you raise the issue?"))
    await expect(raised).to_have_attribute("aria-invalid", "true")
    await expect(raised).to_have_value("14/10/2027")
    await expect(page.get_by_label("Drift and delay")).to_be_checked()  # nothing typed is lost
    await browser.screenshot("challenge-refused")
    await alert.get_by_role("link").click()
    await expect(page).to_have_url(re.compile("#raised_on$"))

    await raised.fill("14/10/2026")
    await page.get_by_role("button", name="Save the challenge").click()
    await expect(page.get_by_role("status")).to_contain_text("Challenge recorded")
    row = page.get_by_role("row", name=re.compile(r"14.10.2026 Drift and delay Formal stage 1"))
    await expect(row).to_be_visible()
    await page.set_viewport_size({"width": 390, "height": 844})  # a phone
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await browser.screenshot("challenge-recorded")
    async with services.uow() as uow:
        stored = list(await uow.session.scalars(select(Challenge.stage)))
    assert stored == ["formal1"]
    assert all(shot.stat().st_size > 0 for shot in browser.taken)
