"""Benchmark the bot against two floors, a bare echo bot and one that remembers, in one run.

Starts the local Bot API emulator (in this process), then a bare PTB 22 echo bot
(`benchmarks/echo_bot.py`), the same echo bot reading and writing each chat's row in one
encrypted SQLite transaction per update on My Say's stack (`benchmarks/remembering_bot.py`:
the least any bot that must remember can do here), and My Say (`mysay run`), in turn, each
in its own process pointed at the emulator. For N simulated children at once (50, 200 and
500), every child joins with an invitation and walks the whole pre-review flow
(child_before_review, aged 13) as fast as the replies come (with `--pause`, taking about
that many seconds over each answer); the echo bots get the same mix of typed messages and
button presses. Prints, per bot and N:

- CPU time per update of the bot's process only (from /proc), and throughput;
- p50 and p99 from an update going in to the bot's first message in that chat;
- Bot API message calls (sends and edits, which draw on Telegram's budget of about 30 a
  second) per update, and other calls (button answers, command menus) apart;
- idle RSS, and the RSS added by 10,000 conversations in progress;
- My Say's figures as ratios to each floor's.

    .venv/bin/python -m benchmarks.bot                 # N = 50, 200, 500; 10,000 conversations
    .venv/bin/python -m benchmarks.bot --quick         # N = 10, 50; 1,000 conversations
    .venv/bin/python -m benchmarks.bot --children 100 --conversations 2000
    .venv/bin/python -m benchmarks.bot --children 500 --pause 10   # each answering every ~10 s
    .venv/bin/python -m benchmarks.bot --cli           # `mysay --help` and `mysay screen` start-up

My Say runs on a SQLite file under benchmarks/out/ (git-ignored, replaced every run) with
its message budget lifted (MYSAY_TELEGRAM_MESSAGES_PER_SECOND=0), so the figures are the
bot's own cost; `--budget` keeps Telegram's 30 a second instead.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.load import (
    ECHO_SCRIPT,
    MESSAGE_CALLS,
    BotProcess,
    Child,
    TimedState,
    run_all,
    say_once,
    start_review,
    timed_emulator,
    walk_echo,
    walk_my_say,
)
from bot.emulator import BotApiEmulator

OUT = Path(__file__).parent / "out"
MYSAY = Path(sys.executable).with_name("mysay")
# The console script imports the installed package; this puts the checkout's code first, so
# a worktree measures its own code.
CHECKOUT = str(OUT.parent.parent)
BORN = date(2013, 5, 1)  # 13 in December 2026: the flow's longest age version
FIRST_USER = 10_000_000
# At most this many conversations are started at once in the memory phase.
STARTING_AT_ONCE = 200
# The bots, in the order they run and are printed: the two floors, then My Say.
ECHO, REMEMBERING, MY_SAY = "echo bot", "remembering bot", "My Say"
HEADINGS = {
    ECHO: "bare PTB echo bot",
    REMEMBERING: "echo bot that remembers",
    MY_SAY: "My Say",
}


@dataclass
class Figures:
    """What one batch of children cost one bot."""

    children: int
    updates: int
    seconds: float
    cpu: float
    latencies: list[float]
    calls: Counter[str]

    def per_update(self) -> float:
        return self.cpu / self.updates

    def throughput(self) -> float:
        return self.updates / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def message_calls(self) -> float:
        return sum(n for name, n in self.calls.items() if name in MESSAGE_CALLS) / self.updates

    def other_calls(self) -> float:
        skip = MESSAGE_CALLS | {"get_updates"}
        return sum(n for name, n in self.calls.items() if name not in skip) / self.updates


@dataclass
class BotFigures:
    name: str
    idle_rss: float = 0.0
    batches: list[Figures] = field(default_factory=list)
    conversations: int = 0
    rss_before: float = 0.0
    rss_after: float = 0.0


class Seeder:
    """Children, meetings and invitations for My Say, written before each batch."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite+aiosqlite:///{path}"
        self.next_child = 1

    async def create(self) -> None:
        from alembic import command

        from storage.database import alembic_config

        # Alembic's environment runs its own event loop, so it cannot run on this one.
        await asyncio.to_thread(command.upgrade, alembic_config(self.url), "head")
        with sqlite3.connect(self.path) as db:
            db.execute(
                "INSERT INTO staff (id, username, name, role, created_at)"
                " VALUES (1, 'iro1', 'Sam Patel', 'iro', ?)",
                (datetime.now(UTC).isoformat(),),
            )

    def children(self, user_ids: list[int], *, joined: bool) -> list[int]:
        """Add a child with a review next week for each user; link them if `joined`."""
        now = datetime.now(UTC)
        due = (now.date() + timedelta(days=7)).isoformat()
        ids = list(range(self.next_child, self.next_child + len(user_ids)))
        self.next_child += len(user_ids)
        with sqlite3.connect(self.path) as db:
            db.executemany(
                "INSERT INTO child (id, case_ref, birth_date, iro_id, created_at)"
                " VALUES (?, ?, ?, 1, ?)",
                [(i, f"B{i:06d}", BORN.isoformat(), now.isoformat()) for i in ids],
            )
            db.executemany(
                "INSERT INTO review (child_id, kind, due_date, created_at)"
                " VALUES (?, 'cla_review', ?, ?)",
                [(i, due, now.isoformat()) for i in ids],
            )
            if joined:
                db.executemany(
                    "INSERT INTO participant (telegram_id, role, child_id, created_at, locale)"
                    " VALUES (?, 'child', ?, ?, 'en')",
                    [(user, i, now.isoformat()) for user, i in zip(user_ids, ids, strict=True)],
                )
        return ids

    async def invitations(self, child_ids: list[int], key: str) -> list[str]:
        from bot.app import admin
        from bot.bootstrap import open_services
        from bot.settings import Settings

        settings = Settings(
            database_url=self.url,
            data_dir=OUT / "mysay-data",
            data_key=key,
            _env_file=None,  # type: ignore[call-arg]
        )
        codes = []
        async with open_services(settings) as services, services.uow() as uow:
            for child_id in child_ids:
                issued = await admin.invite_participant(
                    uow, services.clock(), 14, f"B{child_id:06d}", "child"
                )
                codes.append(issued.code)
            await uow.commit()
        return codes


Walk = Callable[[Child, str], Awaitable[None]]


async def measure_batch(
    bot: BotProcess,
    emulator: BotApiEmulator,
    state: TimedState,
    children: list[Child],
    codes: list[str],
    walk: Walk,
) -> Figures:
    state.latencies.clear()
    calls_before = state.message_calls()
    cpu_before, started = bot.cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(walk(child, code) for child, code in zip(children, codes, strict=True)))
    seconds, cpu = time.perf_counter() - started, bot.cpu_seconds() - cpu_before
    calls = state.message_calls()
    calls.subtract(calls_before)
    updates = sum(child.updates for child in children)
    return Figures(len(children), updates, seconds, cpu, list(state.latencies), calls)


async def measure_bot(
    name: str, sizes: list[int], conversations: int, budget: bool, pause: float
) -> BotFigures:
    """Start one bot, run every batch and the memory phase through it, and stop it."""
    from storage.crypto import new_key

    figures = BotFigures(name)
    emulator, state = timed_emulator()
    users = iter(range(FIRST_USER, FIRST_USER + 10_000_000))
    async with emulator:
        seeder = Seeder(OUT / "mysay.db")
        key = new_key()
        if name == MY_SAY:
            await seeder.create()
            env = {
                "PYTHONPATH": CHECKOUT,
                "MYSAY_DATABASE_URL": seeder.url,
                "MYSAY_DATA_DIR": str(OUT / "mysay-data"),
                "MYSAY_DATA_KEY": key,
                "MYSAY_TELEGRAM_TOKEN": emulator.token,
                "MYSAY_TELEGRAM_API_URL": emulator.base_url,
                "MYSAY_TELEGRAM_MESSAGES_PER_SECOND": "30" if budget else "0",
            }
            # Ready once polling, with screening loaded (it loads beside the event loop).
            markers = ("My Say is ready", "screening loaded")
            bot = BotProcess([str(MYSAY), "run"], env, OUT / "mysay.log", markers)
        else:
            module = "benchmarks.echo_bot" if name == ECHO else "benchmarks.remembering_bot"
            args = [sys.executable, "-m", module, "--base-url", emulator.base_url]
            args += ["--token", emulator.token]
            env = {
                "PYTHONPATH": CHECKOUT,
                "MYSAY_FLOOR_DATABASE": str(OUT / "remembering.db"),
                "MYSAY_FLOOR_DATA_KEY": key,
            }
            bot = BotProcess(args, env, OUT / f"{module}.log", (f"{name} ready",))
        try:
            await bot.start()  # inside: a bot that never got ready is stopped too
            await asyncio.sleep(2)  # let start-up settle before reading idle memory
            figures.idle_rss = bot.rss_mib()
            # One child walks first, unmeasured: first-use costs are not per-update costs.
            for number, size in enumerate([1, *sizes]):
                user_ids = [next(users) for _ in range(size)]
                paced = pause if number else 0.0  # the warm-up walks at once
                children = [Child(emulator, state, user, paced) for user in user_ids]
                if name == MY_SAY:
                    codes = await seeder.invitations(seeder.children(user_ids, joined=False), key)
                    walk = walk_my_say
                else:
                    codes, walk = ["x"] * size, walk_echo
                batch = await measure_batch(bot, emulator, state, children, codes, walk)
                if number == 0:
                    continue  # the warm-up
                figures.batches.append(batch)
                print(f"  {name}: {size} children done in {batch.seconds:.1f} s", flush=True)
            user_ids = [next(users) for _ in range(conversations)]
            if name == MY_SAY:
                seeder.children(user_ids, joined=True)
            await asyncio.sleep(1)
            figures.conversations, figures.rss_before = conversations, bot.rss_mib()
            start = start_review if name == MY_SAY else say_once
            await run_all(
                [start(Child(emulator, state, user)) for user in user_ids], STARTING_AT_ONCE
            )
            await asyncio.sleep(1)
            figures.rss_after = bot.rss_mib()
        finally:
            bot.stop()
    return figures


def _ratio(mine: float, floor: float) -> str:
    return f"{mine / floor:.1f}x" if floor else "-"


def _row(
    figure: str,
    bots: list[BotFigures],
    value: Callable[[BotFigures], float],
    shown: str,
    compared: bool = True,
) -> str:
    """One table row: each bot's value, then My Say's ratio to each floor (if `compared`)."""
    values = [value(bot) for bot in bots]
    ratios = [_ratio(values[-1], floor) if compared else "-" for floor in values[:-1]]
    return "| " + " | ".join([figure, *(shown.format(v) for v in values), *ratios]) + " |"


def print_table(bots: list[BotFigures], pause: float) -> None:
    """Print every figure of every bot (My Say last), with My Say's ratios to the others."""
    paced = f"answering every {pause:g} s" if pause else "no pause"
    rows = []
    for number, batch in enumerate(bots[-1].batches):
        n = batch.children

        def of(bot: BotFigures, number: int = number) -> Figures:
            return bot.batches[number]

        rows += [
            _row(
                f"CPU per update, {n} children",
                bots,
                lambda b: of(b).per_update() * 1000,
                "{:.1f} ms",
            ),
            _row(
                f"throughput, {n} children, {paced}",
                bots,
                lambda b: of(b).throughput(),
                "{:.0f} updates/s",
            ),
            _row(
                f"p50 update-to-reply, {n} children, {paced}",
                bots,
                lambda b: of(b).percentile(0.5) * 1000,
                "{:.0f} ms",
            ),
            _row(
                f"p99 update-to-reply, {n} children, {paced}",
                bots,
                lambda b: of(b).percentile(0.99) * 1000,
                "{:.0f} ms",
            ),
            _row(
                f"message calls per update, {n} children",
                bots,
                lambda b: of(b).message_calls(),
                "{:.2f}",
            ),
            _row(
                f"other calls per update, {n} children",
                bots,
                lambda b: of(b).other_calls(),
                "{:.2f}",
            ),
        ]
    conversations = bots[-1].conversations
    rows += [
        _row("idle RSS", bots, lambda b: b.idle_rss, "{:.0f} MiB"),
        _row(
            f"RSS added by {conversations:,} conversations in progress",
            bots,
            lambda b: b.rss_after - b.rss_before,
            "{:+.1f} MiB",
            compared=False,  # the floors add next to nothing, so a ratio would mislead
        ),
    ]
    updates = [batch.updates // batch.children for batch in bots[-1].batches]
    print(f"\nupdates per child: echo bots {len(ECHO_SCRIPT)}, My Say {updates[0]}")
    floors = [HEADINGS[bot.name] for bot in bots[:-1]]
    columns = ["figure", *(HEADINGS[bot.name] for bot in bots), *(f"My Say / {f}" for f in floors)]
    print("| " + " | ".join(columns) + " |\n|" + " --- |" * len(columns))
    print("\n".join(rows))


def _median_seconds(args: list[str], stdin: str | None, times: int) -> float:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": CHECKOUT}
        subprocess.run(args, input=stdin, capture_output=True, text=True, check=True, env=env)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def measure_cli() -> None:
    """Time `mysay --help`, one admin command's help and `mysay screen` on one line."""
    cases = [
        ("mysay --help", [str(MYSAY), "--help"], None),
        ("mysay staff --help", [str(MYSAY), "staff", "--help"], None),
        ("mysay run --help", [str(MYSAY), "run", "--help"], None),
        ("mysay screen (one line)", [str(MYSAY), "screen"], "hello there\n"),
    ]
    print("| command | median wall time of 5 |\n| --- | --- |")
    for name, args, stdin in cases:
        print(f"| `{name}` | {_median_seconds(args, stdin, 5):.2f} s |")


async def run_bots(sizes: list[int], conversations: int, budget: bool, pause: float) -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    bots = [
        await measure_bot(name, sizes, conversations, budget, pause)
        for name in (ECHO, REMEMBERING, MY_SAY)
    ]
    print_table(bots, pause)


def main() -> None:
    """Parse the options, then measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, nargs="+", help="batch sizes (default 50 200 500)")
    parser.add_argument("--conversations", type=int, help="conversations in progress (10,000)")
    parser.add_argument("--quick", action="store_true", help="10 and 50 children; 1,000")
    parser.add_argument("--budget", action="store_true", help="keep My Say's 30 messages/s")
    parser.add_argument(
        "--pause", type=float, default=0.0, help="seconds a child takes to answer (0: none)"
    )
    parser.add_argument("--cli", action="store_true", help="measure the command line only")
    args = parser.parse_args()
    if args.cli:
        measure_cli()
        return
    sizes = args.children or ([10, 50] if args.quick else [50, 200, 500])
    conversations = args.conversations or (1_000 if args.quick else 10_000)
    asyncio.run(run_bots(sizes, conversations, args.budget, args.pause))


if __name__ == "__main__":
    main()
