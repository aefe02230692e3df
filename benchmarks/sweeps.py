"""Benchmark the reminder sweep with a national-scale caseload of conversations in progress.

Seeds a SQLite file with N children (10,000 by default), each joined as a child with a run
in progress and a review due in three days, allocated to IROs of 50 children each; then,
on a clock at 10:00 on a weekday, runs one reminder sweep while a ticker task measures how
long the event loop was held between ticks. Prints:

- RSS after seeding (idle) and after the sweep, and the difference;
- the longest time the event loop was blocked during the sweep;
- the time to queue the N reminders (and the digests), against the floor of one hand-written
  INSERT ... SELECT of N outbox rows over the same tables, and their ratio.

    .venv/bin/python -m benchmarks.sweeps                  # 10,000 children
    .venv/bin/python -m benchmarks.sweeps --children 2000

The SQLite file goes under benchmarks/out/ (git-ignored) and is replaced on every run.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command

from bot.app.reminders import queue_due_reminders
from bot.bootstrap import open_services
from bot.settings import Settings
from storage.crypto import new_key
from storage.database import alembic_config

OUT = Path(__file__).parent / "out"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # a Wednesday, 10:00 in London
CHILDREN_PER_IRO = 50
TICK = 0.001


def rss_mib() -> float:
    """This process's resident set size, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def seed(path: Path, children: int) -> None:
    """Fill the schema with children, participants, runs in progress and reviews."""
    iros = max(1, children // CHILDREN_PER_IRO)
    due = (NOW.date() + timedelta(days=3)).isoformat()
    stamp = NOW.isoformat()
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO staff (id, username, name, role, telegram_id, created_at)"
            " VALUES (?, ?, ?, 'iro', ?, ?)",
            [(i, f"iro{i}", f"IRO {i}", 900_000 + i, stamp) for i in range(1, iros + 1)],
        )
        db.executemany(
            "INSERT INTO child (id, case_ref, iro_id, created_at) VALUES (?, ?, ?, ?)",
            [(i, f"C{i:06d}", 1 + (i - 1) % iros, stamp) for i in range(1, children + 1)],
        )
        db.executemany(
            "INSERT INTO participant (id, telegram_id, role, child_id, created_at, locale)"
            " VALUES (?, ?, 'child', ?, ?, 'en')",
            [(i, 1_000_000 + i, i, stamp) for i in range(1, children + 1)],
        )
        db.executemany(
            "INSERT INTO review (id, child_id, kind, due_date, created_at)"
            " VALUES (?, ?, 'cla_review', ?, ?)",
            [(i, i, due, stamp) for i in range(1, children + 1)],
        )
        db.executemany(
            "INSERT INTO run (participant_id, review_id, flow_id, flow_version, status,"
            " current_step, state_cipher, started_at, updated_at, version)"
            " VALUES (?, ?, 'child_before_review', 1, 'waiting', 'home_feel', ?, ?, ?, 1)",
            [(i, i, b"x", stamp, stamp) for i in range(1, children + 1)],
        )


async def sweep(settings: Settings) -> tuple[int, float, float]:
    """Run one sweep; return how many were queued, its seconds and the longest loop hold."""
    longest = 0.0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal longest
        loop = asyncio.get_running_loop()
        last = loop.time()
        while not stop.is_set():
            await asyncio.sleep(TICK)
            now = loop.time()
            longest = max(longest, now - last - TICK)
            last = now

    async with open_services(settings, clock=lambda: NOW) as services:
        watcher = asyncio.create_task(ticker())
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        queued = await queue_due_reminders(services)
        seconds = time.perf_counter() - started
        stop.set()
        await watcher
    return queued, seconds, longest


def floor_seconds(path: Path) -> float:
    """One INSERT ... SELECT of an outbox row per child: the floor for queueing them."""
    with sqlite3.connect(path) as db:
        started = time.perf_counter()
        db.execute(
            "INSERT INTO outbox_message (chat_id, purpose, text_cipher, created_at,"
            " next_attempt_at, attempts)"
            " SELECT p.telegram_id, 'floor', x'00', ?, ?, 0 FROM participant p"
            " JOIN review r ON r.child_id = p.child_id WHERE r.held_on IS NULL",
            (NOW.isoformat(), NOW.isoformat()),
        )
        seconds = time.perf_counter() - started
        db.rollback()
    return seconds


def main() -> None:
    """Seed, sweep and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=10_000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / "sweeps.db"
    path.unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{path}"
    command.upgrade(alembic_config(url), "head")
    seed(path, args.children)
    settings = Settings(
        database_url=url,
        data_dir=OUT / "sweeps-data",
        data_key=new_key(),
        _env_file=None,  # type: ignore[call-arg]
    )
    floor = floor_seconds(path)
    gc.collect()
    idle = rss_mib()
    queued, seconds, longest = asyncio.run(sweep(settings))
    gc.collect()
    after = rss_mib()
    print(f"children with a conversation in progress: {args.children}")
    print(f"RSS idle {idle:.1f} MiB, after the sweep {after:.1f} MiB: +{after - idle:.1f} MiB")
    print(f"queued {queued} reminders and digests in {seconds:.2f} s")
    print(f"floor (one INSERT ... SELECT): {floor:.3f} s; ratio {seconds / floor:.1f}x")
    print(f"longest event-loop hold during the sweep: {longest * 1000:.1f} ms")


if __name__ == "__main__":
    main()
