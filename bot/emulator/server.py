"""The emulator's aiohttp application and `BotApiEmulator`, the runner tests start and stop.

Routes: `/bot{token}/{method}` (the Bot API), `/file/bot{token}/{path}` (file downloads) and
`/_emulator/...` (the control interface, see `bot.emulator.control`). The control routes have
no authentication: the emulator is a test double and binds to 127.0.0.1 by default.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any, Self, Unpack

import aiohttp
from aiohttp import web

from bot.emulator.control import PREFIX as CONTROL_PREFIX
from bot.emulator.control import EmulatorController, add_control_routes
from bot.emulator.methods import METHODS
from bot.emulator.models import JSON, ApiError
from bot.emulator.params import Params, Upload
from bot.emulator.state import DEFAULT_TOKEN, EmulatorState, Fault, StateOptions, wait_event

logger = logging.getLogger(__name__)

STATE = web.AppKey("state", EmulatorState)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # Telegram's limit for files bots upload
WEBHOOK_ATTEMPTS = 3
WEBHOOK_BACKOFF_SECONDS = 0.05
# Where the Bot API and its file downloads are served, each followed by the token, as
# Telegram's are.
API_PATH = "/bot"
FILE_PATH = "/file/bot"


def create_app(state: EmulatorState) -> web.Application:
    """Build the aiohttp application serving one emulated bot."""
    app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
    app[STATE] = state
    app.router.add_route("*", API_PATH + "{token}/{method}", bot_api)
    app.router.add_get(FILE_PATH + "{token}/{path:.+}", download_file)
    add_control_routes(app, EmulatorController(state))
    app.cleanup_ctx.append(_webhook_sender)
    app.on_shutdown.append(_wake_waiters)
    return app


async def bot_api(request: web.Request) -> web.StreamResponse:
    """Answer one Bot API call, after any fault planned for it."""
    state = request.app[STATE]
    name = request.match_info["method"]
    if request.match_info["token"] not in state.tokens:
        return _error(ApiError(401, "Unauthorized"))
    handler = METHODS.get(name.lower())
    if handler is None:
        return _error(ApiError(404, "Not Found: method not found"))
    params = await read_params(request)
    fault = state.take_fault(name, params.raw("chat_id"))
    if fault is not None:
        logger.info("injecting %s fault into %s", fault.kind, name)
        if fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
        elif fault.kind == "drop":
            return _drop(request)
        else:
            return _error(_fault_error(fault))
    try:
        result = await handler(state, params)
    except ApiError as exc:
        logger.debug("%s failed with %d", name, exc.status)
        state.calls[(handler.__name__, exc.status)] += 1
        return _error(exc)
    state.calls[(handler.__name__, 200)] += 1
    return web.json_response({"ok": True, "result": result})


def _error(error: ApiError) -> web.Response:
    return web.json_response(error.to_json(), status=error.status)


def _fault_error(fault: Fault) -> ApiError:
    if fault.status == 429:
        return ApiError(
            429,
            f"Too Many Requests: retry after {fault.retry_after}",
            {"retry_after": fault.retry_after},
        )
    reasons = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    return ApiError(fault.status, reasons.get(fault.status, f"Error {fault.status}"))


def _drop(request: web.Request) -> web.StreamResponse:
    # Abort the TCP connection with no response; the client sees a server disconnect.
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=204)


async def read_params(request: web.Request) -> Params:
    """Collect parameters from the query string and a form, multipart or JSON body."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON body") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON body must be an object")
            values.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    content = value.file.read()
                    uploads[key] = Upload(value.filename, content, value.content_type)
                else:
                    values[key] = value
    return Params(values, uploads)


async def download_file(request: web.Request) -> web.Response:
    """Serve a file's bytes at the path getFile gave (base_file_url + token + "/" + path)."""
    state = request.app[STATE]
    if request.match_info["token"] not in state.tokens:
        return _error(ApiError(401, "Unauthorized"))
    path = request.match_info["path"]
    for file_path, content in state.files.values():
        if file_path == path:
            return web.Response(body=content, content_type="application/octet-stream")
    return _error(ApiError(404, "Not Found"))


async def _wake_waiters(app: web.Application) -> None:
    # Long polls and waiters return at once, so shutting down never waits out a timeout.
    app[STATE].closing = True
    app[STATE].changed()


async def _webhook_sender(app: web.Application) -> AsyncIterator[None]:
    """Run the task that POSTs updates to the webhook while the app is up."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        task = asyncio.create_task(_send_updates(app[STATE], session))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _send_updates(state: EmulatorState, session: aiohttp.ClientSession) -> None:
    # One update at a time, oldest first, as Telegram preserves order per bot.
    while not state.closing:
        event = state.signal.event
        url, secret = state.webhook["url"], state.webhook["secret_token"]
        if not (url and state.updates):
            await wait_event(event, 1.0)
            continue
        update = state.updates[0]
        error = await _deliver(session, url, secret, update)
        if state.updates and state.updates[0] is update:
            state.updates.pop(0)
        if error:
            # Telegram would keep retrying; a test double gives up and says so.
            logger.warning("webhook gave up on update %d: %s", update["update_id"], error)
            state.webhook_errors = {"last_error_date": state.now(), "last_error_message": error}
        state.changed()


async def _deliver(
    session: aiohttp.ClientSession, url: str, secret: str | None, update: JSON
) -> str | None:
    """POST one update, retrying a few times; give the last error, or None on success."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    error = "not attempted"
    for attempt in range(WEBHOOK_ATTEMPTS):
        try:
            async with session.post(url, json=update, headers=headers) as response:
                if 200 <= response.status < 300:
                    return None
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {type(exc).__name__}"
        await asyncio.sleep(WEBHOOK_BACKOFF_SECONDS * 2**attempt)
    return error


class BotApiEmulator(EmulatorController):
    """Run the emulator on a free port: `async with BotApiEmulator() as emu: emu.base_url`.

    The control methods (from `EmulatorController`) mirror `EmulatorClient`, so a test reads
    the same in-process and over HTTP; `state` is there for anything more unusual.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | Iterable[str] = DEFAULT_TOKEN,
        **options: Unpack[StateOptions],
    ) -> None:
        tokens = [token] if isinstance(token, str) else list(token)
        self.token = tokens[0]
        self.host = host
        self._listen_on(port)
        super().__init__(EmulatorState(tokens, **options))
        self._runner: web.AppRunner | None = None

    def _listen_on(self, port: int) -> None:
        """Note the port and the URLs built on it (the bound port once started)."""
        self.port = port
        self.url = f"http://{self.host}:{port}"
        # For `ApplicationBuilder().base_url(...)` and `.base_file_url(...)`.
        self.base_url = self.url + API_PATH
        self.base_file_url = self.url + FILE_PATH
        # The root of the HTTP control interface (what `EmulatorClient` talks to).
        self.control_url = self.url + CONTROL_PREFIX

    async def start(self) -> None:
        """Bind the port and start serving."""
        self.state.closing = False
        self._runner = web.AppRunner(
            # No access log: its request lines would carry the bot token.
            create_app(self.state),
            shutdown_timeout=1.0,
            access_log=None,
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self._listen_on(int(self._runner.addresses[0][1]))
        logger.info("Bot API emulator listening on %s", self.url)

    async def close(self) -> None:
        """Stop serving; pending long polls return empty at once."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self
