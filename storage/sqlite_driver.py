"""SQLAlchemy's aiosqlite driver with one trip to SQLite's thread per statement, not four.

aiosqlite runs each SQLite call on its own thread and hands the result back to the event
loop. SQLAlchemy's adapter makes four such trips for a query (open a cursor, execute,
fetch the rows, close the cursor), each costing a thread wake-up and an event-loop turn:
about 50 trips for one answer. The cursor here does all four in one function on SQLite's
thread and keeps what the caller reads afterwards (the description, row count, last row
id and rows).

It is passed as the engine's DBAPI module (`create_async_engine(url, module=...)`); the
dialect, the connection and server-side cursors stay SQLAlchemy's own.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

# What one trip brings back: description, row count, last row id, rows.
_Outcome = tuple[Any, int, int | None, list[Any]]


def _execute(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> _Outcome:
    """Run on SQLite's thread: execute, read everything the caller may ask, close."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose statement, rows and closing take one trip to SQLite's thread."""

    __slots__ = ("_outcome", "_size")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        # No aiosqlite cursor is opened here (that would be a trip of its own).
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._outcome: _Outcome = (None, -1, None, [])
        self._size = 1

    @property
    def description(self) -> Any:
        return self._outcome[0]

    @property
    def rowcount(self) -> int:
        return self._outcome[1]

    @property
    def lastrowid(self) -> int:
        return self._outcome[2]  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return self._size

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._size = value

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        await self._run(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        await self._run(operation, seq_of_parameters, many=True)

    async def _run(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        async with self._adapt_connection._execute_mutex:
            self._outcome = await connection._execute(
                _execute, connection._conn, operation, parameters, many
            )
            self._rows = collections.deque(self._outcome[3])

    async def _async_soft_close(self) -> None:
        """Nothing to close: the SQLite cursor was closed on its own thread."""

    def close(self) -> None:
        self._rows.clear()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """A connection whose commit and rollback make no trip when SQLite has nothing to end.

    The pool rolls back every connection it takes back, most of them just committed, and a
    transaction that only read has nothing to commit: SQLite itself would do nothing.
    """

    __slots__ = ()
    _cursor_cls = OneTripCursor

    def commit(self) -> None:
        if self._open():
            super().commit()

    def rollback(self) -> None:
        if self._open():
            super().rollback()

    def _open(self) -> bool:
        """Tell whether SQLite has a transaction open (asked here: no statement is running)."""
        sqlite = self._connection._connection
        return sqlite is not None and sqlite.in_transaction


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module to hand `create_async_engine` for SQLite files."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


def one_trip_dbapi() -> OneTripDBAPI:
    return OneTripDBAPI(aiosqlite, sqlite3)
