"""The SQLite driver: one trip to SQLite's thread per statement, with everything a cursor tells."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storage.database import create_engine


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the calls aiosqlite runs on its thread, by name."""
    counted: Counter[str] = Counter()
    run = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        counted[fn.__name__] += 1
        return await run(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return counted


async def test_a_statement_is_one_trip_and_reads_like_any_cursor(
    tmp_path: Path, trips: Counter[str]
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'trips.db'}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT)"))
            trips.clear()
            added = await connection.execute(
                text("INSERT INTO pet (name) VALUES (:name)"), [{"name": "Rex"}, {"name": "Tib"}]
            )
            assert added.rowcount == 2
            one = await connection.execute(text("INSERT INTO pet (name) VALUES ('Mog')"))
            assert one.lastrowid == 3
            renamed = await connection.execute(
                text("UPDATE pet SET name = upper(name) WHERE id < 3 RETURNING id, name")
            )
            assert sorted(renamed.all()) == [(1, "REX"), (2, "TIB")]
            names = await connection.execute(text("SELECT name FROM pet ORDER BY id"))
            assert names.keys() == ["name"]
            assert names.scalars().all() == ["REX", "TIB", "Mog"]
            assert trips == Counter(_execute=4)
            with pytest.raises(OperationalError, match="no such table"):
                await connection.execute(text("SELECT * FROM nowhere"))
    finally:
        await engine.dispose()


async def _let_others_run(turns: int) -> None:
    """Give the event loop to other tasks, as an input does between its statements."""
    for _ in range(turns):
        await asyncio.sleep(0)


async def test_writers_take_their_turns_in_the_order_they_came(tmp_path: Path) -> None:
    # SQLite's busy handler would let a later writer take the lock first, after sleeping
    # up to 100 ms a try: the queue serves them in order, without sleeping.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}")
    came: list[int] = []
    committed: list[int] = []

    async def write(number: int) -> None:
        async with engine.connect() as connection:
            came.append(number)
            await connection.execute(text("INSERT INTO note (number) VALUES (:n)"), {"n": number})
            await _let_others_run(5)
            await connection.execute(
                text("UPDATE note SET seen = 1 WHERE number = :n"), {"n": number}
            )
            await connection.commit()
            committed.append(number)

    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE note (number INTEGER, seen INTEGER)"))
        await asyncio.gather(*(write(number) for number in range(12)))
        assert len(came) == 12
        assert committed == came
        async with engine.connect() as connection:
            seen = await connection.execute(text("SELECT count(*) FROM note WHERE seen = 1"))
            assert seen.scalar_one() == 12
    finally:
        await engine.dispose()


async def test_a_write_that_fails_before_its_transaction_gives_its_turn_back(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'failed.db'}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE pet (name TEXT NOT NULL)"))
        async with engine.connect() as failed:
            with pytest.raises(OperationalError, match="no such table"):
                await failed.execute(text("INSERT INTO nowhere (name) VALUES ('Rex')"))
            # Still open: a turn it kept would hold the next writer back for 30 s.
            async with engine.connect() as other:
                added = other.execute(text("INSERT INTO pet (name) VALUES ('Rex')"))
                await asyncio.wait_for(added, timeout=10)
                await other.commit()
    finally:
        await engine.dispose()
