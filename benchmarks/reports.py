"""Benchmark the participation report on a synthetic national year.

Generates children, meetings, runs, answers and invitations, and the children's periods in
care, plans, IRO allocations and challenges at England's sizes (`benchmarks.children`), with
bulk inserts (executemany on SQLite, COPY on PostgreSQL) and counts them as the bot counts
runs it sends and meetings it writes, outside the timings. Then times, in turns, one
hand-written GROUP BY over the meetings (and that with one over each children's table: a
floor covering the children's tables too), `build_participation_report` (one year, and beside
the year before as by default, each with its children's tables), a child's review record and
what writing a meeting adds (its day's counts kept), and prints the medians and the ratios to
the GROUP BY.

    .venv/bin/python -m benchmarks.reports                      # 400k meetings, 5M answers
    .venv/bin/python -m benchmarks.reports --meetings 20000 --answers 250000
    .venv/bin/python -m benchmarks.reports --scale 0.05         # a twentieth of that, quickly
    .venv/bin/python -m benchmarks.reports --postgres postgresql://u@host/postgres
    .venv/bin/python -m benchmarks.reports --database-url postgresql+asyncpg://u@host/db
    .venv/bin/python -m benchmarks.reports --reuse              # time the last data again

The SQLite file goes under benchmarks/out/ (git-ignored) and is replaced on every run.
`--postgres` takes a server's admin URL, makes a database of its own there and drops it
afterwards; a database given by `--database-url` is emptied first, so point it at a scratch one.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import os
import random
import sqlite3
import statistics
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncConnection

from benchmarks import children as children_benchmark
from feedback_reports.participation import build_participation_report
from feedback_reports.participation_model import ReportOptions
from feedback_reports.record import build_review_record
from storage.crypto import TextCipher
from storage.database import Database, alembic_config
from storage.repositories.meeting_counts import touched
from storage.uow import UnitOfWork

OUT = Path(__file__).parent / "out"
YEAR_START, YEAR_END = date(2026, 1, 1), date(2026, 12, 31)
ANSWERS_PER_RUN = 20
BATCH = 50_000
CODES = [f"PN{n}" for n in range(8)]
KINDS = ["cla_review"] * 8 + ["icpc", "rcpc"]
FACES = ["very_unhappy", "unhappy", "ok", "happy", "very_happy", "not_sure"]
# Children the shares of `benchmarks.children` are for: England's sizes in care and on a plan.
NATIONAL_CHILDREN = 250_000
ETHNICITIES = children_benchmark.ETHNICITIES
THEMES = ["home", "school", "family_contact", "health", "feelings", "plan", "meeting", "iro"]
# A child with meetings, runs and answers in every generated year (ids are dealt in turn).
RECORD_CASE = "C0000001"
# A day in the middle of the year, whose meetings' kept counts are timed being counted again.
WRITTEN_DAY = date(2026, 7, 1)
# The database `--postgres` makes on the server it is given, and drops when it is done.
SCRATCH_DATABASE = "mysay_benchmark_reports"
HAND_WRITTEN = """
SELECT kind, participation, COUNT(*) FROM review
WHERE held_on BETWEEN :start AND :end GROUP BY kind, participation
"""
# One hand-written GROUP BY over each children's table the report counts (on the year's last
# day, or raised in the year): with HAND_WRITTEN, a floor that covers the children's tables.
CHILDREN_HAND_WRITTEN = (
    children_benchmark.HAND_WRITTEN,
    """
SELECT category, COUNT(*) FROM plan_episode
WHERE started_on <= :day AND (ended_on IS NULL OR ended_on > :day) GROUP BY category
""",
    """
SELECT iro_id, COUNT(*) FROM iro_allocation
WHERE started_on <= :day AND (ended_on IS NULL OR ended_on > :day) GROUP BY iro_id
""",
    """
SELECT category, stage, COUNT(*) FROM challenge
WHERE raised_on BETWEEN :start AND :end GROUP BY category, stage
""",
)

Row = tuple[Any, ...]


def _now() -> datetime:
    return datetime(2027, 1, 15, tzinfo=UTC)


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randrange(8, 21), tzinfo=UTC)


def generate(
    meetings: int, answers: int, seed: int, cipher: TextCipher
) -> dict[str, tuple[list[str], Iterator[Row]]]:
    """Return, per table, its column names and a generator of rows (Python values)."""
    rng = random.Random(seed)
    children = max(1, meetings // 3)
    runs = max(1, answers // ANSWERS_PER_RUN)
    created = datetime(2025, 1, 1, tzinfo=UTC)
    token = cipher.encrypt("x")  # generated words, read only by the child's record
    # Themes are encrypted like the words; one token per theme list is enough here.
    theme_tokens = {themes: cipher.encrypt(themes) for themes in THEMES}

    def staff() -> Iterator[Row]:
        iros = range(1, children_benchmark.IROS + 1)
        yield from ((i, f"iro{i}", f"IRO {i}", "iro", created) for i in iros)

    births: list[date] = []

    def child() -> Iterator[Row]:
        for i in range(1, children + 1):
            birth = date(2008, 1, 1) + timedelta(days=rng.randrange(18 * 365))
            births.append(birth)
            yield (
                i,
                f"C{i:07d}",
                birth,
                rng.choice(["female", "male", "female", "male", None]),
                children_rng.choice(ETHNICITIES),
                rng.randrange(1, 201),
                created,
            )

    # The children's periods in care, plans, IROs and challenges at England's sizes, from a
    # generator of their own, so the meetings and answers are those generated before them.
    children_rng = random.Random(seed + 1)
    per_child: defaultdict[str, list[Row]] = defaultdict(list)

    def episodes(table: str) -> Iterator[Row]:
        if not per_child:
            for child_id, birth in enumerate(births, start=1):
                found = children_benchmark.episodes(
                    children_rng, child_id, birth, NATIONAL_CHILDREN / children
                )
                for name, row in found:
                    per_child[name].append(row)
        yield from ((*row, created) for row in per_child[table])

    def review() -> Iterator[Row]:
        for i in range(1, meetings + 1):
            # Three meetings per child, months apart, so (child, kind, due) stays unique.
            child_id, slot = (i - 1) % children + 1, (i - 1) // children
            due = YEAR_START + timedelta(days=slot * 120 + rng.randrange(110))
            held = due + timedelta(days=rng.choice([-2, 0, 0, 0, 1, 5]))
            in_scale = rng.choice([None, None, True, False])
            yield (
                i,
                child_id,
                rng.choice(KINDS),
                due,
                held,
                rng.choice(CODES),
                rng.random() < 0.7,
                in_scale,
                created,
            )

    def participant() -> Iterator[Row]:
        for i in range(1, children + 1):
            yield (i, 10_000_000 + i, "child", i, "en", created)
            yield (children + i, 20_000_000 + i, rng.choice(["parent", "carer"]), i, "en", created)

    review_of_run = [rng.randrange(1, meetings + 1) for _ in range(runs)]

    def run() -> Iterator[Row]:
        for i, review_id in enumerate(review_of_run, start=1):
            child_id = (review_id - 1) % children + 1
            is_child = rng.random() < 0.8
            start = YEAR_START + timedelta(days=rng.randrange(365))
            sent = _moment(start + timedelta(days=rng.randrange(4)), rng)
            status = "submitted" if rng.random() < 0.85 else "waiting"
            yield (
                i,
                child_id if is_child else children + child_id,
                review_id,
                "child_before_review" if is_child else "parent_feedback",
                1,
                status,
                rng.choice([None, "iro", "everyone_at_meeting"]),
                token,
                _moment(start, rng),
                sent,
                sent if status == "submitted" else None,
                1,
            )

    def answer() -> Iterator[Row]:
        ident = 0
        for run_id in range(1, runs + 1):
            for step in range(ANSWERS_PER_RUN):
                ident += 1
                row: Row
                step_id = f"s{step}"
                if step == ANSWERS_PER_RUN - 1:
                    themes = theme_tokens[rng.choice(THEMES)]
                    row = ("text", None, token, rng.uniform(-1, 1), themes)
                elif step == ANSWERS_PER_RUN - 2:
                    # Whether the words may be quoted, as the flows ask it after the words.
                    step_id = "may_quote"
                    row = ("yesno", rng.choice(["yes", "no"]), None, None, None)
                else:
                    row = ("scale", rng.choice(FACES), None, None, None)
                yield (
                    ident,
                    run_id,
                    step_id,
                    row[0],
                    row[1],
                    row[2],
                    THEMES[step % len(THEMES)],
                    row[3],
                    row[4],
                    created,
                )

    def invitation() -> Iterator[Row]:
        for i in range(1, children + 1):
            made = _moment(YEAR_START + timedelta(days=rng.randrange(365)), rng)
            used = made + timedelta(days=1) if rng.random() < 0.6 else None
            yield (i, f"{i:064d}", "child", i, made, made + timedelta(days=14), used)

    return {
        "staff": (["id", "username", "name", "role", "created_at"], staff()),
        "child": (
            ["id", "case_ref", "birth_date", "gender", "ethnicity", "iro_id", "created_at"],
            child(),
        ),
        "review": (
            [
                "id",
                "child_id",
                "kind",
                "due_date",
                "held_on",
                "participation",
                "seen_before",
                "in_timescale",
                "created_at",
            ],
            review(),
        ),
        "participant": (
            ["id", "telegram_id", "role", "child_id", "locale", "created_at"],
            participant(),
        ),
        "run": (
            [
                "id",
                "participant_id",
                "review_id",
                "flow_id",
                "flow_version",
                "status",
                "share_with",
                "state_cipher",
                "started_at",
                "updated_at",
                "submitted_at",
                "version",
            ],
            run(),
        ),
        "answer": (
            [
                "id",
                "run_id",
                "step_id",
                "kind",
                "choice",
                "text_cipher",
                "theme",
                "sentiment",
                "text_themes_cipher",
                "answered_at",
            ],
            answer(),
        ),
        "invitation": (
            ["id", "code_hash", "role", "child_id", "created_at", "expires_at", "used_at"],
            invitation(),
        ),
        **{
            table: ([*columns, "created_at"], episodes(name))
            for name, (table, columns) in children_benchmark.EPISODE_COLUMNS.items()
        },
    }


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _sqlite_value(value: Any) -> Any:
    # The text forms SQLAlchemy's SQLite types write and read back.
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def load_sqlite(path: Path, tables: dict[str, tuple[list[str], Iterator[Row]]]) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    for table, (columns, rows) in tables.items():
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        for batch in _batches(rows):
            connection.executemany(sql, [tuple(map(_sqlite_value, row)) for row in batch])
        connection.commit()
    connection.execute("ANALYZE")
    connection.close()


async def _connect(url: str) -> asyncpg.Connection:
    """A plain asyncpg connection to the database a SQLAlchemy URL names."""
    parsed = make_url(url)
    return await asyncpg.connect(
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
    )


async def load_postgres(url: str, tables: dict[str, tuple[list[str], Iterator[Row]]]) -> None:
    connection = await _connect(url)
    try:
        for table, (columns, rows) in tables.items():
            for batch in _batches(rows):
                await connection.copy_records_to_table(table, records=batch, columns=columns)
        # As autovacuum leaves a table in use: counted, and its pages marked all-visible so
        # that an index holding every column read answers without visiting the table.
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def _postgres_admin(url: str, statement: str) -> None:
    """Run one statement that cannot run in a transaction (CREATE/DROP DATABASE)."""
    connection = await _connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def reset_postgres(url: str) -> None:
    database = Database.connect(url)
    async with database.engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await database.dispose()


async def count_feedback(url: str, cipher: TextCipher) -> float:
    """Count the loaded feedback and meetings as the bot counts each run it sends and each
    meeting it writes; return the seconds.

    The bot adds a run to `feedback_count` as it is sent, and counts a meeting's day again in
    `meeting_count` as the meeting is written; rows loaded in bulk went through neither, so
    they are counted here (`recount` does both), before anything is timed.
    """
    database = Database.connect(url)
    try:
        async with UnitOfWork(database, cipher) as uow:
            started = time.perf_counter()
            await uow.report_counts.recount()
            await uow.commit()
            seconds = time.perf_counter() - started
        # As load_* leave the tables they fill: counted for the planner (and on PostgreSQL
        # marked all-visible, as autovacuum leaves a table in use).
        async with database.engine.connect() as connection:
            if database.engine.dialect.name == "postgresql":
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("VACUUM ANALYZE"))
            else:
                await connection.execute(text("ANALYZE"))
                await connection.commit()
        return seconds
    finally:
        await database.dispose()


@asynccontextmanager
async def _connected(url: str) -> AsyncIterator[AsyncConnection]:
    """A connection to the database at `url`, its engine disposed of afterwards."""
    database = Database.connect(url)
    try:
        async with database.engine.connect() as connection:
            yield connection
    finally:
        await database.dispose()


async def _has_meetings(url: str) -> bool:
    """Whether an earlier run left meetings in the database at `url`."""
    async with _connected(url) as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        return "review" in tables and bool(
            await connection.scalar(text("SELECT COUNT(*) FROM review"))
        )


async def sizes(url: str) -> str:
    """The sizes timed, counted in the database (a reused one too)."""
    year = {"start": YEAR_START, "end": YEAR_END}
    async with _connected(url) as connection:
        held = await connection.scalar(
            text("SELECT COUNT(*) FROM review WHERE held_on BETWEEN :start AND :end"), year
        )
        answers = await connection.scalar(text("SELECT COUNT(*) FROM answer"))
        kept = await connection.scalar(
            text("SELECT COUNT(*) FROM meeting_month_count WHERE month BETWEEN :start AND :end"),
            year,
        )
        funnel = await connection.scalar(
            text("SELECT COUNT(*) FROM funnel_month_count WHERE month BETWEEN :start AND :end"),
            year,
        )
        # The snapshot on the year's last day adds up every month up to it.
        children_months = await connection.scalar(
            text("SELECT COUNT(*) FROM episode_month_count WHERE month <= :end"), year
        )
        children = {
            table: await connection.scalar(text(f"SELECT COUNT(*) FROM {table}"))
            for table in ("child", "care_episode", "plan_episode", "iro_allocation")
        }
    return (
        f"{held:,} meetings held in the year, {answers:,} answers; "
        f"the report reads {kept:,} rows of meetings' counts kept per month and "
        f"{funnel:,} of the funnel's kept per month, and up to {children_months:,} of the "
        "children's tables' kept per month; "
        + ", ".join(f"{table} {n:,}" for table, n in children.items())
    )


async def _seconds(action: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """Wall-clock seconds, and this process's CPU seconds (SQLite's work and Python's)."""
    started, cpu = time.perf_counter(), time.process_time()
    await action()
    return time.perf_counter() - started, time.process_time() - cpu


async def time_reports(url: str, rounds: int, cipher: TextCipher) -> dict[str, float]:
    """Return the median seconds of the hand-written query, the report (beside the year
    before, as by default, and one year alone) and a child's record, and under NAME_cpu
    their median CPU seconds in this process.

    They take turns, so neither finds the file in the cache the other warmed; the first
    round is one more turn each, to warm the cache for both, and not counted.
    """
    database = Database.connect(url)
    timings: dict[str, list[float]] = defaultdict(list)

    async def report(options: ReportOptions) -> None:
        async with UnitOfWork(database, cipher) as uow:
            await build_participation_report(
                uow, YEAR_START, YEAR_END, "benchmark", now=_now(), options=options
            )

    async def hand_written(*statements: str) -> None:
        values = {"start": YEAR_START, "end": YEAR_END, "day": YEAR_END}
        async with database.engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement), values)

    async def record() -> None:
        async with UnitOfWork(database, cipher) as uow:
            await build_review_record(uow, RECORD_CASE, None, "iro", "benchmark", now=_now())

    async def meeting_written() -> None:
        """What writing one meeting adds to its transaction: the day it was held and the
        day it was due counted again (rolled back, so the data stays as generated)."""
        async with UnitOfWork(database, cipher) as uow:
            noted = touched(uow.session.sync_session)
            noted.days.add(WRITTEN_DAY)
            noted.due_days.add(WRITTEN_DAY)
            await uow.meeting_counts.refresh()

    try:
        for round_number in range(rounds + 1):
            for name, action in (
                ("hand", partial(hand_written, HAND_WRITTEN)),
                ("hand_children", partial(hand_written, HAND_WRITTEN, *CHILDREN_HAND_WRITTEN)),
                ("report", partial(report, ReportOptions())),
                ("one_year", partial(report, ReportOptions(compare=False))),
                ("record", record),
                ("written", meeting_written),
            ):
                seconds, cpu = await _seconds(action)
                if round_number:
                    timings[name].append(seconds)
                    timings[f"{name}_cpu"].append(cpu)
    finally:
        await database.dispose()
    return {name: statistics.median(found) for name, found in timings.items()}


def _cipher(seed: int) -> TextCipher:
    """The same data key for the same seed, so a reused database's words can be read."""
    digest = hashlib.sha256(f"mysay benchmark {seed}".encode()).digest()
    return TextCipher([base64.urlsafe_b64encode(digest).decode("ascii")])


def _fill(url: str, args: argparse.Namespace, cipher: TextCipher) -> None:
    """Make the schema and load the generated year, replacing whatever was there."""
    started = time.perf_counter()
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
    else:
        asyncio.run(reset_postgres(url))
    command.upgrade(alembic_config(url), "head")
    tables = generate(args.meetings, args.answers, args.seed, cipher)
    if url.startswith("sqlite"):
        load_sqlite(path, tables)
    else:
        asyncio.run(load_postgres(url, tables))
    print(
        f"generated {args.meetings:,} meetings and {args.answers:,} answers "
        f"in {time.perf_counter() - started:.1f}s"
    )
    counting = asyncio.run(count_feedback(url, cipher))
    print(f"counted what the bot counts as runs are sent and meetings written in {counting:.1f}s")


def _both(found: dict[str, float], name: str) -> str:
    return f"{found[name]:.3f}s (this process's CPU {found[f'{name}_cpu']:.3f}s)"


def async_url(value: str) -> str:
    """A database URL for the async drivers the bot uses: `postgresql://` (as psql and most
    tools write it) means asyncpg, `sqlite:///` aiosqlite."""
    try:
        url = make_url(value)
    except ArgumentError as error:
        raise argparse.ArgumentTypeError(f"not a database URL: {value!r}") from error
    drivers = {"postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}
    drivers |= {"sqlite": "sqlite+aiosqlite"}
    drivername = drivers.get(url.drivername, url.drivername)
    if drivername not in ("postgresql+asyncpg", "sqlite+aiosqlite"):
        raise argparse.ArgumentTypeError(
            f"{url.drivername}: give a postgresql:// or sqlite:/// URL"
        )
    return url.set(drivername=drivername).render_as_string(hide_password=False)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument(
        "--database-url", type=async_url, default=f"sqlite+aiosqlite:///{OUT / 'reports.db'}"
    )
    parser.add_argument(
        "--postgres",
        type=async_url,
        metavar="ADMIN_URL",
        help="a PostgreSQL server's admin URL: the benchmark makes its own database and drops it",
    )
    parser.add_argument("--meetings", type=int, default=400_000)
    parser.add_argument("--answers", type=int, default=5_000_000)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply --meetings and --answers (0.05: quick)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (median printed)")
    parser.add_argument(
        "--reuse", action="store_true", help="time the data a previous run with this seed left"
    )
    args = parser.parse_args(argv)
    args.meetings = max(1, round(args.meetings * args.scale))
    args.answers = max(1, round(args.answers * args.scale))
    if args.postgres is None:
        _benchmark(args.database_url, args)
        return
    # A database of the benchmark's own, so nobody's data is emptied, dropped afterwards.
    url = make_url(args.postgres).set(database=SCRATCH_DATABASE)
    asyncio.run(_postgres_admin(args.postgres, f'DROP DATABASE IF EXISTS "{SCRATCH_DATABASE}"'))
    asyncio.run(_postgres_admin(args.postgres, f'CREATE DATABASE "{SCRATCH_DATABASE}"'))
    try:
        _benchmark(url.render_as_string(hide_password=False), args)
    finally:
        drop = f'DROP DATABASE IF EXISTS "{SCRATCH_DATABASE}" WITH (FORCE)'
        asyncio.run(_postgres_admin(args.postgres, drop))


def _benchmark(url: str, args: argparse.Namespace) -> None:
    """Fill (unless reused) and time the database at `url`, and print what was found."""
    cipher = _cipher(args.seed)
    if args.reuse:
        parsed = make_url(url)
        missing = (
            parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file()
        )
        if missing or not asyncio.run(_has_meetings(url)):
            raise SystemExit(
                f"--reuse: no meetings left by an earlier run at {url}; run once without it"
            )
        command.upgrade(alembic_config(url), "head")
    else:
        _fill(url, args, cipher)
    load = f"{os.getloadavg()[0]:.1f}"
    found = asyncio.run(time_reports(url, args.rounds, cipher))
    print(f"{make_url(url).get_backend_name()}: {asyncio.run(sizes(url))}")
    print(f"median of {args.rounds} rounds, taking turns:")
    # On a shared machine wall-clock time follows the others' load; the CPU this process
    # spent does much less (on SQLite it is the queries' work as well as Python's).
    print(f"load average before and after: {load}, {os.getloadavg()[0]:.1f}")
    print("  hand-written GROUP BY over the meetings: " + _both(found, "hand"))
    print(
        "  the same, and one hand-written GROUP BY over each children's table "
        "(in care, plans, allocations, challenges): " + _both(found, "hand_children")
    )
    print("  participation report, one year: " + _both(found, "one_year"))
    print("  participation report beside the year before (the default): " + _both(found, "report"))
    print(f"  a child's review record: {found['record'] * 1000:.0f} ms")
    print(f"  a meeting written, its day's counts kept: {found['written'] * 1000:.0f} ms")
    print(f"ratio, one year's report to the GROUP BY: {found['one_year'] / found['hand']:.2f}x")
    print(f"ratio, the default report to the GROUP BY: {found['report'] / found['hand']:.2f}x")
    cpu = found["one_year_cpu"] / found["hand_cpu"]
    print(f"ratio by this process's CPU, one year's report to the GROUP BY: {cpu:.2f}x")
    with_children = found["one_year"] / found["hand_children"]
    print(
        "ratio, one year's report to the GROUP BYs over the meetings and the children's "
        f"tables: {with_children:.2f}x"
    )


if __name__ == "__main__":
    main()
