"""Driving the chat in a real browser: press, type, answer to the summary, check with axe.

Every step waits on a condition: the chat's page area (`#page`) is marked before a press,
and the press is done when a page area without the mark is there (redrawn by the script,
or a new page when JavaScript is off).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Locator, Page

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# Impacts an accessibility check does not let through.
BLOCKING = ("serious", "critical")


async def _mark(page: Page) -> None:
    await page.locator("#page").evaluate("node => node.setAttribute('data-seen', '')")


async def press(page: Page, target: Locator) -> None:
    """Press a button (or link) of the chat and wait until the chat is shown afresh."""
    await _mark(page)
    await target.click()
    await page.locator("#page:not([data-seen])").wait_for()


async def press_named(page: Page, words: str, *, exact: bool = False) -> None:
    await press(page, page.get_by_role("button", name=words, exact=exact).first)


async def type_answer(page: Page, words: str) -> None:
    await page.locator("#words").fill(words)
    await press(page, page.locator(".composer button[type=submit]"))


async def step(page: Page) -> str:
    """The step the question shown is on ('-' for the summary)."""
    return await page.locator(".prompt input[name=step]").get_attribute("value") or ""


async def answer_until_summary(page: Page) -> None:
    """Answer every question (the first option, or typed words) up to the summary."""
    for typed in range(40):
        if await page.locator(".prompt .changes").count():
            return
        if await page.locator("#words[required]").count():
            await type_answer(page, f"typed answer {typed}")
        elif await page.locator(".options.multi").count():
            await press(page, page.locator(".options.multi button").first)
            await press(page, page.locator(".prompt button.done"))
        else:
            await press(page, page.locator(".faces button, .options button").first)
    raise AssertionError("the flow never reached its summary")


def axe_or_skip() -> None:
    """Skip without axe-core here; under CI=true fail (.ci/run installs it)."""
    if AXE.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("axe-core is missing; .ci/run should have installed it")
    pytest.skip("axe-core is not installed (npm ci --prefix tests/web_chat/axe)")


async def serious_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds on the page with a serious or critical impact."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated by the browser's debugger, so the page's own CSP does not apply.
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    results = await page.evaluate("async () => await window.axe.run(document)")
    return [
        {"id": found["id"], "impact": found["impact"], "nodes": len(found["nodes"])}
        for found in results["violations"]
        if found["impact"] in BLOCKING
    ]
