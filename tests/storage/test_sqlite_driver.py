"""The SQLite driver: one trip to SQLite's thread per statement, with everything a cursor tells."""

from __future__ import annotations

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
