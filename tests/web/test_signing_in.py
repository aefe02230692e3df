"""Signing in to the workspace: one-time links (10 minutes, once, hash only), sessions that
end after 30 idle minutes or on signing out, limits on attempts, and the bot's /web."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app.admin import AdminError
from bot.app.web_access import IDLE_TIMEOUT, LINK_LIFETIME
from bot.web.common.ratelimit import RateLimiter
from storage.models import WebSession, WebSignIn
from tests.support import mysay
from tests.web.conftest import Site


def _session_cookie(site: Site) -> str:
    return next(c.value for c in site.client.session.cookie_jar if c.key == "staff_session")


async def _sign_in(site: Site, path: str) -> int:
    token = await site.token(path)
    response = await site.client.post(path, data={"csrf_token": token}, allow_redirects=False)
    return response.status


async def test_a_link_signs_in_once_and_opens_the_roles_first_page(site: Site) -> None:
    path = await site.link("iro1")
    showing = await site.client.get(path)
    assert showing.status == 200 and "Sign in" in await showing.text()
    assert await _sign_in(site, path) == 303  # a GET alone spent nothing
    home = await site.client.get("/staff/")
    assert home.url.path == "/staff/caseload" and "C001" in await home.text()
    site.client.session.cookie_jar.clear()
    assert await _sign_in(site, path) == 403  # used once already
    assert (await site.client.get("/staff/caseload", allow_redirects=False)).status == 303


async def test_a_link_expires_after_ten_minutes(site: Site) -> None:
    path = await site.link("manager1")
    site.clock.advance(seconds=LINK_LIFETIME.total_seconds() + 1)
    assert await _sign_in(site, path) == 403
    fresh = await site.link("manager1")
    site.clock.advance(seconds=LINK_LIFETIME.total_seconds() - 1)
    assert await _sign_in(site, fresh) == 303


async def test_only_hashes_of_links_and_sessions_are_stored(site: Site) -> None:
    path = await site.link("iro1")
    await _sign_in(site, path)
    link_token = path.rsplit("/", 1)[1]
    cookie = _session_cookie(site)
    async with site.services.uow() as uow:
        stored = [
            *(await uow.session.scalars(select(WebSignIn.token_hash))),
            *(await uow.session.scalars(select(WebSession.token_hash))),
        ]
    assert len(stored) == 2
    assert all(link_token not in value and cookie not in value for value in stored)


async def test_the_session_cookie_is_httponly_and_strict(site: Site) -> None:
    path = await site.link("iro1")
    token = await site.token(path)
    response = await site.client.post(path, data={"csrf_token": token}, allow_redirects=False)
    cookie = response.cookies["staff_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["max-age"]  # forgotten when the browser closes


async def test_a_session_ends_after_thirty_idle_minutes(site: Site) -> None:
    await site.sign_in_as("iro1")
    site.clock.advance(seconds=IDLE_TIMEOUT.total_seconds() - 60)
    assert (await site.client.get("/staff/caseload")).status == 200  # and the clock restarts
    site.clock.advance(seconds=IDLE_TIMEOUT.total_seconds() - 60)
    assert (await site.client.get("/staff/caseload")).status == 200
    site.clock.advance(seconds=IDLE_TIMEOUT.total_seconds() + 1)
    ended = await site.client.get("/staff/caseload", allow_redirects=False)
    assert ended.status == 303 and ended.headers["Location"] == "/staff/signed-out"
    site.clock.advance(seconds=-IDLE_TIMEOUT.total_seconds())  # ended for good
    assert (await site.client.get("/staff/caseload", allow_redirects=False)).status == 303


async def test_signing_out_ends_the_session(site: Site) -> None:
    await site.sign_in_as("iro1")
    cookie = _session_cookie(site)
    response = await site.post("/staff/signout")
    assert response.headers["Location"] == "/staff/signed-out"
    # Even a copy of the old cookie no longer opens anything.
    site.client.session.cookie_jar.clear()
    site.client.session.cookie_jar.update_cookies({"staff_session": cookie})
    assert (await site.client.get("/staff/caseload", allow_redirects=False)).status == 303
    async with site.services.uow() as uow:
        assert [e.action for e in await uow.audit.list() if e.action.startswith("web_")] == [
            "web_link_issued",
            "web_signed_in",
            "web_signed_out",
        ]


async def test_sign_in_attempts_are_limited_per_address(site: Site) -> None:
    site.workspace.sign_ins = RateLimiter(3, 600)
    statuses = [await _sign_in(site, "/staff/signin/guess" + str(n)) for n in range(4)]
    assert statuses == [403, 403, 403, 429]
    assert await _sign_in(site, await site.link("iro1")) == 429  # even a good link, for now


async def test_behind_a_local_proxy_attempts_are_counted_per_client(site: Site) -> None:
    site.workspace.sign_ins = RateLimiter(1, 600)

    async def attempt(client: str) -> int:
        path = "/staff/signin/guess"
        token = await site.token(path)
        headers = {"X-Forwarded-For": f"203.0.113.9, {client}"}
        form = {"csrf_token": token}
        response = await site.client.post(path, data=form, headers=headers)
        return response.status

    assert [await attempt("198.51.100.1"), await attempt("198.51.100.2")] == [403, 403]
    assert await attempt("198.51.100.1") == 429


async def test_a_deactivated_account_is_signed_out_and_gets_no_link(site: Site) -> None:
    await site.sign_in_as("iro1")
    iro_cookie = _session_cookie(site)
    await site.sign_in_as("admin1")
    assert (await site.post("/staff/staff-members/iro1/deactivate")).status == 303
    site.client.session.cookie_jar.clear()
    site.client.session.cookie_jar.update_cookies({"staff_session": iro_cookie})
    assert (await site.client.get("/staff/caseload", allow_redirects=False)).status == 303
    with pytest.raises(AdminError, match="deactivated"):
        await site.link("iro1")


def test_the_command_line_prints_a_link_for_a_staff_member(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"MYSAY_DATA_DIR": str(tmp_path), "MYSAY_WEB_URL": "https://mysay.example.org/"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert mysay("db", "upgrade").exit_code == 0
    added = mysay("staff", "add", "--username", "ana", "--name", "Ana", "--role", "iro")
    assert added.exit_code == 0, added.output
    printed = mysay("web", "link", "--staff", "ana")
    assert printed.exit_code == 0, printed.output
    assert printed.output.startswith("https://mysay.example.org/staff/signin/")
    assert len(printed.output.strip().rsplit("/", 1)[1]) >= 43
    unknown = mysay("web", "link", "--staff", "nobody")
    assert unknown.exit_code == 1 and "no staff member" in unknown.output
