"""The bot's Bot API client keeps PTB's error contract: TimedOut for a time-out, NetworkError
for anything else on the network, so PTB's retries and the outbox behave as with httpx."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.aiohttp_request import AiohttpRequest


@pytest.fixture
async def slow_server() -> AsyncIterator[tuple[str, asyncio.Event]]:
    """A server whose /slow answers only once the test lets it, and /echo at once."""
    released = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await released.wait()
        return web.json_response({"ok": True, "result": True})

    async def echo(request: web.Request) -> web.Response:
        form = await request.post()  # an urlencoded form, as PTB's httpx client sends
        return web.json_response({"ok": True, "result": dict(form)}, status=400)

    app = web.Application()
    app.router.add_post("/slow", slow)
    app.router.add_post("/echo", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", released
    released.set()
    await runner.cleanup()


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_a_reply_slower_than_the_read_time_out_is_timed_out(
    slow_server: tuple[str, asyncio.Event],
) -> None:
    url, _ = slow_server
    async with AiohttpRequest(read_seconds=0.2) as request:
        with pytest.raises(TimedOut):
            await request.do_request(f"{url}/slow", "POST")


async def test_a_refused_connection_is_a_network_error() -> None:
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError, match=r"aiohttp\.ClientConnectorError"):
            await request.do_request(f"http://127.0.0.1:{_unused_port()}/x", "POST")


async def test_parameters_are_sent_as_a_form_and_any_status_comes_back(
    slow_server: tuple[str, asyncio.Event],
) -> None:
    url, _ = slow_server
    data = RequestData(
        [RequestParameter.from_input("chat_id", 42), RequestParameter.from_input("text", "hello")]
    )
    async with AiohttpRequest() as request:
        status, body = await request.do_request(f"{url}/echo", "POST", request_data=data)
    assert status == 400
    assert request.parse_json_payload(body)["result"] == {"chat_id": "42", "text": "hello"}


async def test_it_starts_again_after_shutting_down(
    slow_server: tuple[str, asyncio.Event],
) -> None:
    url, _ = slow_server
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{url}/echo", "POST")
    for _ in range(2):
        async with request:
            status, _ = await request.do_request(f"{url}/echo", "POST")
            assert status == 400
