"""Several `mysay serve` processes behind a round-robin proxy, as in production, for tests."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.emulator import BotApiEmulator
from bot.settings import Settings
from bot.telegram.webhook import SECRET_HEADER
from tests.support import eventually
from tests.webhook.conftest import SECRET, bound_socket

REPO = Path(__file__).resolve().parents[2]


def free_ports(count: int) -> list[int]:
    """Distinct ports nothing listens on now (the processes given them bind them again)."""
    sockets = [bound_socket() for _ in range(count)]
    ports = [int(sock.getsockname()[1]) for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def command_update(update_id: int, user_id: int, command: str) -> dict[str, Any]:
    """An update carrying one command from a user in their private chat."""
    user = {"id": user_id, "is_bot": False, "first_name": "Sam"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_800_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Sam"},
            "from": user,
            "text": command,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        },
    }


class RoundRobinProxy:
    """Forward each webhook post to the next worker, passing over one that does not answer.

    Like nginx with `proxy_next_upstream error timeout non_idempotent`: a post may be retried
    on another worker, which is safe because storing an update twice stores it once.
    """

    def __init__(self, upstreams: list[str], port: int) -> None:
        self.upstreams = upstreams
        self.port = port
        self.forwarded: collections.Counter[str] = collections.Counter()
        self._next = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        app = web.Application()
        app.router.add_post("/telegram", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {
            SECRET_HEADER: request.headers.get(SECRET_HEADER, ""),
            "Content-Type": "application/json",
        }
        for _ in self.upstreams:
            upstream = self.upstreams[self._next % len(self.upstreams)]
            self._next += 1
            try:
                async with self._session.post(upstream, data=body, headers=headers) as response:
                    answer = await response.read()
            except (aiohttp.ClientError, TimeoutError):
                continue  # down or died mid-request: try the next worker
            self.forwarded[upstream] += 1
            return web.Response(status=response.status, body=answer)
        return web.Response(status=502)


@dataclass
class Worker:
    """One `mysay serve` process, its log in a file."""

    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    def start(self, env: dict[str, str]) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve"],
                cwd=self.log.parent,
                env={**env, "MYSAY_LISTEN_PORT": str(self.port)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def ready(self) -> bool:
        """Tell whether it said it is ready (listening, webhook registered)."""
        return self.log.exists() and b"My Say is ready" in self.log.read_bytes()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """End it at once, as a crash or the OOM killer would: no clean-up runs."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> int | None:
        """Stop it cleanly (SIGTERM), or kill it if it does not stop; give its exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode


def worker_env(settings: Settings, api_url: str, token: str, webhook_url: str) -> dict[str, str]:
    """The environment an operator would give every worker: one database, one key, one URL."""
    return {
        **os.environ,
        "MYSAY_DATABASE_URL": settings.database_url,
        "MYSAY_DATA_KEY": settings.data_key,
        "MYSAY_TELEGRAM_TOKEN": token,
        "MYSAY_TELEGRAM_API_URL": api_url,
        "MYSAY_WEBHOOK_URL": webhook_url,
        "MYSAY_WEBHOOK_SECRET": SECRET,
        "MYSAY_LISTEN_HOST": "127.0.0.1",
        "PYTHONPATH": str(REPO),
    }


async def start_workers(
    count: int, settings: Settings, emulator: BotApiEmulator, folder: Path
) -> tuple[list[Worker], RoundRobinProxy]:
    """Start `count` workers on one database, each with its own data folder, behind a proxy
    whose URL they register as the webhook."""
    *ports, proxy_port = free_ports(count + 1)
    workers = [Worker(port, folder / f"worker{n}" / "serve.log") for n, port in enumerate(ports)]
    proxy = RoundRobinProxy([worker.url for worker in workers], proxy_port)
    await proxy.start()
    env = worker_env(settings, emulator.base_url, emulator.token, proxy.url)
    for worker in workers:
        worker.log.parent.mkdir(parents=True)
        worker.start({**env, "MYSAY_DATA_DIR": str(worker.log.parent / "data")})
    for worker in workers:

        async def ready_or_gone(worker: Worker = worker) -> bool:
            return worker.ready() or not worker.running

        # A generous deadline: several processes start at once on a busy 2-core machine.
        assert await eventually(ready_or_gone, seconds=120), worker.log.read_text()
        assert worker.running, worker.log.read_text()
    return workers, proxy
