"""Benchmark webhook workers on PostgreSQL: one `mysay serve` against three, in one run.

For each worker count, starts the workers on a throwaway database behind a round-robin
proxy, and the Bot API emulator for their replies. Updates are posted to the proxy as
Telegram posts them: a chat's next update once its last was answered, different chats at
once over up to 40 connections. After a warm-up (one command from each person), N people
each send C commands, every one answered with a message of its own. Prints, for one and for
three workers:

- updates stored per second (posts answered 200) and answered per second (replies), from
  the first post;
- p50 and p99 from an update being posted to its reply reaching the emulator;
- the ratios of three workers to one.

The workers share this machine's cores: where one worker has the cores to itself already,
three answer no faster (on a busy 2-core machine they were slower). The gain comes with
more cores or hosts, up to each worker's own limit of 30 messages a second (Telegram's is
per bot).

    MYSAY_TEST_POSTGRES_URL=postgresql+asyncpg://USER@HOST:PORT/postgres \\
        .venv/bin/python -m benchmarks.workers [--people 100] [--commands 5]

The URL is an admin one: a database is created for each run and dropped after it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg
from alembic import command
from sqlalchemy.engine import URL, make_url

from bot.emulator import BotApiEmulator
from bot.settings import Settings
from bot.telegram.webhook import SECRET_HEADER
from storage.crypto import new_key
from storage.database import alembic_config
from tests.webhook.conftest import SECRET
from tests.webhook.workers import command_update, start_workers

COMMANDS = ("/help", "/privacy", "/helpnow", "/myanswers", "/dance")
# Telegram's default for setWebhook's max_connections.
WEBHOOK_CONNECTIONS = 40


@dataclass(frozen=True)
class Figures:
    workers: int
    updates: int
    stored_per_second: float
    per_second: float
    p50_ms: float
    p99_ms: float


async def _admin(url: URL, sql: str) -> None:
    connection = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, database=url.database
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _replies_timed(
    emulator: BotApiEmulator, sent_at: dict[int, list[float]], total: int, first: int
) -> list[float]:
    """Wait for `total` replies past each chat's `first`; give each one's delay from its
    update being posted (the Nth reply in a chat answers its Nth update)."""
    delays: list[float] = []
    seen = dict.fromkeys(sent_at, first)
    while len(delays) < total:
        event = emulator.state.signal.event
        now = time.perf_counter()
        for person, times in sent_at.items():
            count = len(emulator.state.chat(person).sent)
            delays.extend(now - times[n] for n in range(seen[person], min(count, len(times))))
            seen[person] = count
        if len(delays) < total:
            await asyncio.wait_for(event.wait(), 120)
    return delays


class Telegram:
    """Posts updates as Telegram does: a chat's next only once its last was answered 200,
    different chats at once over at most `connections` connections."""

    def __init__(self, url: str, connections: int = WEBHOOK_CONNECTIONS) -> None:
        self.url = url
        self._next_id = 1
        self._slots = asyncio.Semaphore(connections)

    async def deliver(
        self, session: aiohttp.ClientSession, person: int, commands: list[str], times: list[float]
    ) -> None:
        for text in commands:
            update = command_update(self._next_id, person, text)
            self._next_id += 1
            times.append(time.perf_counter())
            async with self._slots, session.post(self.url, json=update) as response:
                assert response.status == 200, response.status


async def _load(
    emulator: BotApiEmulator, url: str, workers: int, people: int, commands: int
) -> Figures:
    ids = [700_000 + n for n in range(people)]
    for person in ids:
        emulator.state.chat_started(emulator.state.chat(person))
    telegram = Telegram(url)
    async with aiohttp.ClientSession(headers={SECRET_HEADER: SECRET}) as session:
        # A first command from everyone loads whatever each worker loads lazily.
        warm_up: dict[int, list[float]] = {person: [] for person in ids}
        await asyncio.gather(*(telegram.deliver(session, p, ["/help"], warm_up[p]) for p in ids))
        await _replies_timed(emulator, warm_up, people, first=0)
        plans = {p: [COMMANDS[n % len(COMMANDS)] for n in range(commands)] for p in ids}
        sent_at: dict[int, list[float]] = {person: [0.0] for person in ids}  # warm-up's
        start = time.perf_counter()
        replies = asyncio.create_task(
            _replies_timed(emulator, sent_at, people * commands, first=1)
        )
        await asyncio.gather(*(telegram.deliver(session, p, plans[p], sent_at[p]) for p in ids))
        stored = time.perf_counter() - start
        delays = await replies
    elapsed = time.perf_counter() - start
    cuts = statistics.quantiles(delays, n=100)
    return Figures(
        workers,
        len(delays),
        len(delays) / stored,
        len(delays) / elapsed,
        cuts[49] * 1000,
        cuts[98] * 1000,
    )


async def measure(admin_url: URL, workers: int, people: int, commands: int) -> Figures:
    """Run the load against `workers` workers on a database of its own."""
    name = f"mysay_bench_{uuid.uuid4().hex[:8]}"
    await _admin(admin_url, f'CREATE DATABASE "{name}"')
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(command.upgrade, alembic_config(url), "head")
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                database_url=url,
                data_dir=Path(folder) / "data",
                data_key=new_key(),
                _env_file=None,  # type: ignore[call-arg]
            )
            async with BotApiEmulator() as emulator:
                started, proxy = await start_workers(workers, settings, emulator, Path(folder))
                try:
                    return await _load(emulator, proxy.url, workers, people, commands)
                finally:
                    await proxy.stop()
                    for worker in started:
                        worker.stop()
    finally:
        await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--commands", type=int, default=5)
    args = parser.parse_args()
    admin_url = os.environ.get("MYSAY_TEST_POSTGRES_URL")
    if not admin_url:
        raise SystemExit("set MYSAY_TEST_POSTGRES_URL to an admin URL of a PostgreSQL server")
    results = [
        asyncio.run(measure(make_url(admin_url), count, args.people, args.commands))
        for count in (1, 3)
    ]
    print(
        f"{'workers':>7} {'updates':>8} {'stored/s':>9} {'answered/s':>11} {'p50 ms':>8} "
        f"{'p99 ms':>8}"
    )
    for figures in results:
        print(
            f"{figures.workers:>7} {figures.updates:>8} {figures.stored_per_second:>9.1f} "
            f"{figures.per_second:>11.1f} {figures.p50_ms:>8.0f} {figures.p99_ms:>8.0f}"
        )
    one, three = results
    print(
        f"three workers against one: throughput x{three.per_second / one.per_second:.2f}, "
        f"p50 x{three.p50_ms / one.p50_ms:.2f}, p99 x{three.p99_ms / one.p99_ms:.2f}"
    )


if __name__ == "__main__":
    main()
