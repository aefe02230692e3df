"""The accessibility check itself: axe-core, injected into the page, finds what it should."""

from __future__ import annotations

from tests.browser import Browser
from tests.web_chat.pages import axe_or_skip, serious_violations


async def test_the_accessibility_check_finds_a_nameless_button_and_an_image_without_words(
    browser: Browser,
) -> None:
    axe_or_skip()
    await browser.page.set_content('<html><body><button></button><img src="x.png"></body></html>')
    found = {violation["id"] for violation in await serious_violations(browser.page)}
    assert {"button-name", "image-alt"} <= found
