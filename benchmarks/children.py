"""Benchmark the annual report's children's tables on a synthetic national year (SQLite).

England has about 84,000 children in care and 50,000 on a protection plan on a day, and some
30,000 of each start in a year. This generates children with care episodes, plans, IRO
allocations and challenges of that size with bulk inserts (and counts the flows kept per
child from them), outside the timings, then times in
turns one hand-written GROUP BY (children in care on the day, by gender) and
`children_figures` (every children's table, suppressed), and prints the medians and the ratio.

    .venv/bin/python -m benchmarks.children                   # 250,000 children
    .venv/bin/python -m benchmarks.children --children 20000

The SQLite file goes under benchmarks/out/ (git-ignored) and is replaced on every run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import text

from feedback_reports.children_figures import children_figures
from feedback_reports.participation_model import ReportOptions
from storage.crypto import TextCipher, new_key
from storage.database import Database, alembic_config
from storage.models import CHALLENGE_CATEGORIES, CHALLENGE_STAGES, PLAN_CATEGORIES
from storage.uow import UnitOfWork

OUT = Path(__file__).parent / "out"
START, END = date(2025, 4, 1), date(2026, 3, 31)
IROS = 400
ETHNICITIES = ("WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "AIND", "BAFR", "OOTH")
LEGAL = ("C1", "C2", "C2", "E1", "V2", "J1")
HAND_WRITTEN = """
SELECT child.gender, COUNT(*) FROM care_episode JOIN child ON child.id = care_episode.child_id
WHERE care_episode.started_on <= :day
  AND (care_episode.ended_on IS NULL OR care_episode.ended_on > :day)
GROUP BY child.gender
"""


def _day(rng: random.Random, first: date, days: int) -> date:
    return first + timedelta(days=rng.randrange(days))


def episodes(
    rng: random.Random, child: int, birth: date, rate: float = 1.0
) -> Iterator[tuple[str, tuple[object, ...]]]:
    """One child's periods in care, plans, IRO allocations and challenges, as (table, row)
    without ids or creation times; `rate` scales how many children have each (the shares
    above give national sizes at 250,000 children)."""
    if rng.random() < 0.45 * rate:
        start = max(birth, _day(rng, date(2020, 1, 1), 6 * 365))
        end = start + timedelta(days=rng.randrange(30, 1500))
        ended = end if end <= date(2026, 11, 1) else None
        yield "care", (child, start, ended, rng.choice(LEGAL))
    if rng.random() < 0.3 * rate:
        start = _day(rng, date(2022, 1, 1), 4 * 365)
        end = start + timedelta(days=rng.randrange(60, 900))
        ended = end if end <= date(2026, 11, 1) else None
        yield "plan", (child, start, ended, rng.choice(PLAN_CATEGORIES))
    # Above one allocation per child on average, some children have had an IRO before.
    allocations = int(0.6 * rate) + (rng.random() < 0.6 * rate % 1)
    ended_on = None
    for _ in range(allocations):
        start = _day(rng, date(2023, 1, 1), 3 * 365)
        if ended_on is not None:
            start = ended_on - timedelta(days=rng.randrange(1, 400))
        yield "allocation", (child, rng.randrange(1, IROS + 1), start, ended_on)
        ended_on = start
    if rng.random() < 0.05 * rate:
        raised = _day(rng, date(2025, 1, 1), 500)
        resolved = raised + timedelta(days=rng.randrange(5, 120))
        category, stage = rng.choice(CHALLENGE_CATEGORIES), rng.choice(CHALLENGE_STAGES)
        yield "challenge", (child, raised, category, stage, resolved)


# The columns of each table `episodes` fills, in the order of its rows.
EPISODE_COLUMNS = {
    "care": ("care_episode", ("child_id", "started_on", "ended_on", "legal_status")),
    "plan": ("plan_episode", ("child_id", "started_on", "ended_on", "category")),
    "allocation": ("iro_allocation", ("child_id", "iro_id", "started_on", "ended_on")),
    "challenge": (
        "challenge",
        ("child_id", "raised_on", "category", "stage", "resolved_on"),
    ),
}


def generate(path: Path, children: int, seed: int = 7) -> dict[str, int]:
    """Fill the database at `path` (already migrated) and return how many rows of each."""
    rng = random.Random(seed)
    now = "2026-11-30 09:00:00.000000+00:00"
    rows: dict[str, list[tuple[object, ...]]] = {name: [] for name in ("child", *EPISODE_COLUMNS)}
    for child in range(1, children + 1):
        birth = _day(rng, date(2008, 1, 1), 18 * 365)
        rows["child"].append(
            (child, f"N{child:07d}", birth, rng.choice("12"), rng.choice(ETHNICITIES), now)
        )
        for table, row in episodes(rng, child, birth):
            rows[table].append((*row, now))
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO staff (id, username, name, role, created_at) VALUES (?, ?, ?, 'iro', ?)",
            [(i, f"iro{i}", f"IRO {i}", now) for i in range(1, IROS + 1)],
        )
        db.executemany(
            "INSERT INTO child (id, case_ref, birth_date, gender, ethnicity, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows["child"],
        )
        for key, (table, columns) in EPISODE_COLUMNS.items():
            db.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}, created_at) "
                f"VALUES ({', '.join('?' * (len(columns) + 1))})",
                rows[key],
            )
        db.execute("ANALYZE")
    return {name: len(found) for name, found in rows.items()}


async def _median(action: Callable[[], Awaitable[object]], turns: int) -> float:
    times = []
    for _ in range(turns):
        started = time.perf_counter()
        await action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def measure(url: str, turns: int) -> tuple[float, float]:
    database = Database.connect(url)
    cipher = TextCipher([new_key()])  # the tables read no encrypted text
    options = ReportOptions()
    try:
        # Loaded in bulk, around the unit of work: the flows it keeps per child are counted
        # here, outside the timings, as `benchmarks.reports` counts what it loads.
        async with UnitOfWork(database, cipher) as uow:
            await uow.episode_flows.recount()
            await uow.commit()
        async with database.engine.connect() as connection:
            await connection.execute(text("ANALYZE"))
            await connection.commit()

        async def hand_written() -> object:
            async with UnitOfWork(database, cipher) as uow:
                return (await uow.session.execute(text(HAND_WRITTEN), {"day": END})).all()

        async def tables() -> object:
            async with UnitOfWork(database, cipher) as uow:
                return await children_figures(
                    uow, START, END, options.challenge_stage_days, options.suppress_below
                )

        await hand_written(), await tables()  # warm the page cache for both alike
        return await _median(hand_written, turns), await _median(tables, turns)
    finally:
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=250_000)
    parser.add_argument("--turns", type=int, default=5)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / "children.db"
    path.unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{path}"
    command.upgrade(alembic_config(url), "head")
    sizes = generate(path, args.children)
    print("rows: " + ", ".join(f"{name} {count:,}" for name, count in sizes.items()))
    raw, whole = asyncio.run(measure(url, args.turns))
    print(f"one GROUP BY (in care on the day, by gender): {raw * 1000:.0f} ms")
    print(f"every children's table (children_figures):    {whole * 1000:.0f} ms")
    print(f"ratio: {whole / raw:.1f} times the one GROUP BY")


if __name__ == "__main__":
    main()
