"""Bot API calls through aiohttp rather than PTB's default httpx.

Every answer costs at least one Bot API call, and httpx (with anyio and httpcore beneath
it) spent about 0.44 ms of CPU on a call to a local Bot API against aiohttp's 0.09 ms: a
fifth of the bot's CPU per update went on the HTTP client alone. aiohttp is already one of
the project's core libraries (the webhook and the web pages run on it); this plugs it in
behind PTB's `BaseRequest`, the interface PTB keeps for other HTTP libraries.

PTB's own error contract is kept: a time-out raises `TimedOut`, anything else on the
network `NetworkError`, so PTB's retries and the bot's delivery see the same errors as
before.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput, UploadFileDict
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's defaults for HTTPXRequest, so timing out behaves as it did.
READ_SECONDS = 5.0
WRITE_SECONDS = 5.0
CONNECT_SECONDS = 5.0
POOL_SECONDS = 1.0
MEDIA_WRITE_SECONDS = 20.0


class AiohttpRequest(BaseRequest):
    """One aiohttp session for a bot's Bot API calls, at most `connections` at once."""

    def __init__(self, connections: int = 256, read_seconds: float | None = READ_SECONDS):
        self._connections = connections
        self._read_seconds = read_seconds
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_seconds

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        files: UploadFileDict = request_data.multipart_data if request_data is not None else {}
        read = _seconds(read_timeout, self._read_seconds)
        # aiohttp has no write time-out of its own: a slow upload is bounded as a whole.
        write = _seconds(write_timeout, MEDIA_WRITE_SECONDS if files else WRITE_SECONDS)
        timeout = aiohttp.ClientTimeout(
            # Waiting for a free connection and connecting, as httpx's pool and connect.
            connect=_sum(
                _seconds(pool_timeout, POOL_SECONDS), _seconds(connect_timeout, CONNECT_SECONDS)
            ),
            sock_connect=_seconds(connect_timeout, CONNECT_SECONDS),
            sock_read=read,
            total=_sum(write, read) if files else None,
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data, files), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's time-outs are asyncio's
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _seconds(given: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(given, DefaultValue) else given


def _sum(first: float | None, second: float | None) -> float | None:
    return None if first is None or second is None else first + second


def _body(request_data: RequestData | None, files: UploadFileDict) -> Any:
    """What PTB sends through httpx: the parameters urlencoded, or a multipart form with any
    files. Encoded here because aiohttp's FormData builds a multipart writer (and a random
    boundary) even for a plain form, which cost more than the rest of the request."""
    if request_data is None:
        return None
    if not files:
        body = urlencode(request_data.json_parameters).encode("ascii")
        return aiohttp.BytesPayload(body, content_type="application/x-www-form-urlencoded")
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, content_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=content_type)
    return form
