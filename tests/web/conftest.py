"""Web test fixtures: the staff workspace on a real database, signed in as anyone.

`site` serves the workspace through aiohttp's test client, with staff and two children
seeded (see `seed_workspace`); `site.sign_in_as("iro1")` goes through a real one-time link.
The headless browser comes from tests/browser.py, the bot and its Telegram emulator from
tests/e2e/conftest.py (with this folder's `clock`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import admin, web_access
from bot.bootstrap import Services, open_services
from bot.settings import Settings
from bot.web.common.ratelimit import RateLimiter
from bot.web.server import mount_workspace
from bot.web.staff.app import Deliver, Workspace
from storage.models import ChildRequest, Flag, Participant, Run
from tests.browser import browser  # noqa: F401

# The running bot and its emulator, for journeys that cross Telegram and the web.
from tests.e2e.conftest import bot, bot_settings, emulator, start_bot  # noqa: F401
from tests.support import MutableClock

IRO_TG, MANAGER_TG, OTHER_IRO_TG, ADMIN_TG = 2001, 2002, 2003, 2004
CSRF_FIELD = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


async def seed_workspace(services: Services) -> None:
    """Two IROs, a manager and an admin; C001 (iro1) with a review next week, C002 (iro2)."""
    now = services.clock()
    async with services.uow() as uow:
        await admin.add_staff(uow, "iro1", "Sam Patel", "iro", IRO_TG, now)
        await admin.add_staff(uow, "manager1", "Demo Manager", "manager", MANAGER_TG, now)
        await admin.add_staff(uow, "iro2", "Other IRO", "iro", OTHER_IRO_TG, now)
        await admin.add_staff(uow, "admin1", "Demo Admin", "admin", ADMIN_TG, now)
        await uow.flush()
        await admin.add_child(uow, "C001", now, birth_date=date(2013, 5, 1), iro_username="iro1")
        await admin.add_child(uow, "C002", now, birth_date=date(2015, 1, 9), iro_username="iro2")
        await uow.flush()
        await admin.add_review(uow, "C001", "cla_review", date(2026, 12, 7), None, now)
        await admin.add_review(uow, "C002", "cla_review", date(2026, 12, 9), None, now)
        await uow.commit()


def csrf_of(html: str) -> str:
    """The form token a page carries."""
    found = CSRF_FIELD.search(html)
    assert found, "the page has no form token"
    return found.group(1)


@dataclass
class Site:
    client: TestClient
    services: Services
    clock: MutableClock
    workspace: Workspace

    async def link(self, username: str) -> str:
        """A fresh one-time sign-in path for `username`."""
        token = await web_access.issue_sign_in_link_for(self.services, username)
        return f"/staff/signin/{token}"

    async def sign_in_as(self, username: str) -> None:
        """Sign in through a link, as a person would (this client's cookies start afresh)."""
        self.client.session.cookie_jar.clear()
        path = await self.link(username)
        response = await self.client.post(
            path, data={"csrf_token": await self.token(path)}, allow_redirects=False
        )
        assert response.status == 303, await response.text()

    async def token(self, path: str = "/staff/signin/none") -> str:
        """The form token for this browser, read from a page."""
        return csrf_of(await (await self.client.get(path)).text())

    async def post(self, path: str, data: dict[str, str] | None = None) -> ClientResponse:
        """Post a form with this browser's token, not following the redirect."""
        form = {"csrf_token": await self.token(), **(data or {})}
        return await self.client.post(path, data=form, allow_redirects=False)


async def open_site(
    settings: Settings, clock: MutableClock, deliver: Deliver | None = None
) -> AsyncIterator[Site]:
    async with open_services(settings, clock=clock) as services:
        await seed_workspace(services)
        root = web.Application()
        workspace = mount_workspace(root, services, settings, deliver)
        # Tests sign in far more often than a person; the limit has a test of its own.
        workspace.sign_ins = RateLimiter(10_000, 60)
        async with TestClient(TestServer(root)) as client:
            yield Site(client, services, clock, workspace)


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock()


@pytest.fixture
async def site(settings: Settings, clock: MutableClock) -> AsyncIterator[Site]:
    async for opened in open_site(settings, clock):
        yield opened


CHILD_TG = 1001


async def add_child_activity(services: Services, *, respond_by_hours: float = 1) -> None:
    """C001's child has sent views for the review next week, with a flag and a request."""
    now = services.clock()
    async with services.uow() as uow:
        child = await uow.children.by_case_ref("C001")
        assert child is not None
        review = await uow.reviews.next_for_child(child.id, now.date())
        assert review is not None
        participant = uow.participants.add(
            Participant(telegram_id=CHILD_TG, role="child", child_id=child.id, created_at=now)
        )
        await uow.flush()
        run = Run(
            participant_id=participant.id,
            review_id=review.id,
            flow_id="child_before_review",
            flow_version=1,
            status="submitted",
            share_with="iro",
            started_at=now,
            updated_at=now,
            submitted_at=now,
        )
        uow.runs.write_state(run, {})
        uow.runs.add(run)
        await uow.flush()
        uow.flags.add(
            Flag(
                child_id=child.id,
                participant_id=participant.id,
                run_id=run.id,
                level="urgent",
                categories="harm_from_others",
                rules="example",
                text_cipher=uow.cipher.encrypt("an example of words that were flagged"),
                created_at=now,
                respond_by=now + timedelta(hours=respond_by_hours),
            )
        )
        uow.requests.add(
            ChildRequest(
                child_id=child.id,
                participant_id=participant.id,
                run_id=run.id,
                review_id=review.id,
                flow_id="child_before_review",
                step_id="talk_to_iro",
                kind="contact",
                about="a talk with their IRO",
                created_at=now,
                escalate_at=now + timedelta(days=2),
            )
        )
        await uow.commit()
