"""Headless Chromium for web tests: Debian's /usr/bin/chromium driven by Playwright.

Never a browser Playwright downloads (nothing is downloaded here). Use the `browser`
fixture in an async test; `serve(app)` runs an aiohttp application on a free local port for
it. Screenshots go to the test's own output folder (`tmp_path/screenshots`), numbered in
the order taken. Import both in a test package's conftest:

    from tests.browser import browser  # noqa: F401

Without /usr/bin/chromium a browser test is skipped, except under CI=true where it fails
(.ci/run installs the package).
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import Page, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Generous: the machine is a busy 2-core box; Playwright waits on conditions, not on time.
TIMEOUT_MS = 30_000


@dataclass
class Browser:
    """One page in a fresh browser profile, and where its screenshots go."""

    page: Page
    screenshots: Path
    taken: list[Path] = field(default_factory=list)

    async def screenshot(self, name: str) -> Path:
        """Save the whole page as `NN-name.png` in the test's screenshot folder."""
        self.screenshots.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9_-]+", "-", name)
        path = self.screenshots / f"{len(self.taken) + 1:02d}-{safe}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


def _chromium_or_skip() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("Debian's chromium is missing; .ci/run should have installed it")
    pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Browser]:
    """A headless Chromium page; screenshots in tmp_path/screenshots."""
    _chromium_or_skip()
    async with async_playwright() as playwright:
        # As root, Chromium refuses to start inside its sandbox.
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            context = await chromium.new_context(accept_downloads=True, locale="en-GB")
            context.set_default_timeout(TIMEOUT_MS)
            page = await context.new_page()
            yield Browser(page, tmp_path / "screenshots")
            await context.close()
        finally:
            await chromium.close()


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Run `app` on a free local port; yield its base URL (no trailing slash)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()
