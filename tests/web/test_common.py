"""The shared web base: headers, CSRF, cookies, templates, rate limits, and the browser."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request
from jinja2 import ChoiceLoader, DictLoader

from bot.web.common.cookies import new_token, read_cookie, set_cookie, token_hash
from bot.web.common.csrf import COOKIE, FIELD
from bot.web.common.headers import CONTENT_SECURITY_POLICY
from bot.web.common.keys import TEMPLATES
from bot.web.common.ratelimit import RateLimiter, client_address
from bot.web.common.site import create_pages, mount
from bot.web.common.templates import render
from tests.browser import Browser, serve

FORM_PAGE = """{% extends "base.html.j2" %}
{% block title %}Demo{% endblock %}
{% block content %}<h1>Demo</h1>
<form method="post" action="said">{{ csrf_field() }}
<label for="words">Words</label><input id="words" name="words">
<button type="submit">Send</button></form>{% endblock %}"""


async def outside(request: web.Request) -> web.Response:
    return web.Response(text="outside")


def demo_pages(*, secure_cookies: bool = False) -> web.Application:
    """A channel with a form that echoes a field's length and a page that sets a cookie."""
    pages = create_pages("bot.web.common", secure_cookies=secure_cookies)
    pages[TEMPLATES].loader = ChoiceLoader(
        [DictLoader({"form.html.j2": FORM_PAGE}), pages[TEMPLATES].loader]
    )

    async def form(request: web.Request) -> web.Response:
        return render(request, "form.html.j2")

    async def said(request: web.Request) -> web.Response:
        words = (await request.post())["words"]
        return web.Response(text=f"got {len(str(words))} characters")

    async def remember(request: web.Request) -> web.Response:
        response = web.Response(text=read_cookie(request, "session") or "none")
        set_cookie(request, response, "session", "token-value", max_age=60)
        return response

    pages.router.add_get("/form", form)
    pages.router.add_post("/said", said)
    pages.router.add_get("/remember", remember)
    root = web.Application()
    # A route outside the channel, as the webhook is: the channel's rules do not reach it.
    root.router.add_post("/outside", outside)
    mount(root, "/demo", pages)
    return root


@pytest.fixture
async def client() -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(demo_pages())) as opened:
        yield opened


async def _token(client: TestClient) -> str:
    page = await (await client.get("/demo/form")).text()
    return page.split(f'name="{FIELD}" value="')[1].split('"')[0]


async def test_every_page_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/demo/form", "/demo/missing"):
        response = await client.get(path)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    static = await client.get("/demo/static/base.css")
    assert static.status == 200 and "max-age" in static.headers["Cache-Control"]


async def test_a_form_with_its_token_is_accepted(client: TestClient) -> None:
    token = await _token(client)
    response = await client.post("/demo/said", data={FIELD: token, "words": "hello"})
    assert (response.status, await response.text()) == (200, "got 5 characters")


@pytest.mark.parametrize("token", [None, "", "forged" * 10])
async def test_a_post_without_the_right_token_is_refused(
    client: TestClient, token: str | None
) -> None:
    await _token(client)  # the browser has its cookie; the post lacks the token
    data = {"words": "hello"} if token is None else {FIELD: token, "words": "hello"}
    response = await client.post("/demo/said", data=data)
    assert response.status == 403


async def test_a_token_from_another_browser_is_refused(client: TestClient) -> None:
    token = await _token(client)
    client.session.cookie_jar.clear()
    await _token(client)  # a new cookie, so the old token no longer matches
    response = await client.post("/demo/said", data={FIELD: token, "words": "x"})
    assert response.status == 403


async def test_routes_outside_the_channel_are_not_checked(client: TestClient) -> None:
    response = await client.post("/outside")
    assert response.status == 200
    assert "Content-Security-Policy" not in response.headers


async def test_cookies_are_httponly_strict_and_secure_when_the_site_is(
    client: TestClient,
) -> None:
    cookie = (await client.get("/demo/remember")).cookies["session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and not cookie["secure"]
    assert (await client.get("/demo/form")).cookies[COOKIE]["samesite"] == "Strict"
    async with TestClient(TestServer(demo_pages(secure_cookies=True))) as secure:
        response = await secure.get("/demo/remember")
        assert response.cookies["__Host-session"]["secure"]


def test_tokens_are_random_and_only_their_hash_is_kept() -> None:
    first, second = new_token(), new_token()
    assert first != second and len(first) >= 43
    assert token_hash(first) == token_hash(first) != token_hash(second)
    assert first not in token_hash(first)


def test_the_rate_limiter_counts_per_key_within_its_window() -> None:
    now = [0.0]
    limiter = RateLimiter(3, 60, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")
    assert limiter.retry_after("a") == 60
    now[0] = 60.5
    assert limiter.allow("a") and limiter.retry_after("a") == 0


def test_the_rate_limiter_forgets_the_oldest_keys_first() -> None:
    limiter = RateLimiter(1, 60, clock=lambda: 0.0, max_keys=2)
    assert limiter.allow("a") and limiter.allow("b") and limiter.allow("c")
    assert limiter.allow("a")  # forgotten to make room, so it may try again
    assert not limiter.allow("c")


async def test_in_a_browser_a_form_posts_and_a_forged_one_is_refused(browser: Browser) -> None:
    async with serve(demo_pages()) as base:
        page = browser.page
        await page.goto(f"{base}/demo/form")
        await page.get_by_label("Words").fill("hello there")
        await browser.screenshot("form")
        await page.get_by_role("button", name="Send").click()
        await page.get_by_text("got 11 characters").wait_for()
        await page.goto(f"{base}/demo/form")
        await page.locator(f"input[name={FIELD}]").evaluate("input => input.value = 'forged'")
        await page.get_by_role("button", name="Send").click()
        await page.get_by_text("This form has expired").wait_for()
        await browser.screenshot("refused")
    assert [path.name for path in browser.taken] == ["01-form.png", "02-refused.png"]
    assert all(path.stat().st_size > 0 for path in browser.taken)


def test_the_client_address_is_the_one_a_local_proxy_added() -> None:
    def address(remote: str, forwarded: str | None) -> str:
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        return client_address(make_mocked_request("POST", "/", headers).clone(remote=remote))

    assert address("127.0.0.1", "10.0.0.1, 198.51.100.7") == "198.51.100.7"
    assert address("198.51.100.8", "10.0.0.1") == "198.51.100.8"  # not from our proxy
    assert address("127.0.0.1", None) == "127.0.0.1"
