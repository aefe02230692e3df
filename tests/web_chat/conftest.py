"""Web chat fixtures: the chat mounted on a test server over a seeded case, and browsers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Services, build_core
from tests.browser import browser  # noqa: F401
from tests.e2e.conftest import seed_case
from tests.support import issue_invitation
from tests.web_chat.support import ChildBrowser, chat_site


@pytest.fixture
async def site(services: Services) -> AsyncIterator[TestServer]:
    await seed_case(services)
    server = TestServer(chat_site(build_core(services)))
    await server.start_server()
    yield server
    await server.close()


@pytest.fixture
async def browsers(site: TestServer) -> AsyncIterator[list[ChildBrowser]]:
    """Three browsers on the site, each with its own cookies."""
    clients = [TestClient(site) for _ in range(3)]
    for client in clients:
        await client.start_server()
    yield [ChildBrowser(client) for client in clients]
    for client in clients:
        await client.close()


OpenChat = Callable[[], Awaitable[ChildBrowser]]


@pytest.fixture
def child_in_chat(services: Services, browsers: list[ChildBrowser]) -> OpenChat:
    """The child of case C001, their invitation opened in the first browser."""

    async def open_chat() -> ChildBrowser:
        child = browsers[0]
        await child.open(await issue_invitation(services, "C001", "child"))
        assert child.status == 200
        return child

    return open_chat


from tests.e2e.conftest import bot, bot_settings, clock, emulator, start_bot  # noqa: E402, F401
