"""SQLAlchemy's aiosqlite driver with one trip to SQLite's thread per statement, not four.

aiosqlite runs each SQLite call on its own thread and hands the result back to the event
loop. SQLAlchemy's adapter makes four such trips for a query (open a cursor, execute,
fetch the rows, close the cursor), each costing a thread wake-up and an event-loop turn:
about 50 trips for one answer. The cursor here does all four in one function on SQLite's
thread and keeps what the caller reads afterwards (the description, row count, last row
id and rows).

It also queues this process's writers in the order they came. SQLite lets one connection
write at a time, and one that finds the file locked sleeps in its busy handler for up to
100 ms a try, however soon the lock is free, while writers that came later may take it
first: under load an input's first write waited over a second. Here a connection takes its
turn (an asyncio lock, which serves waiters in order) before the statement that begins its
transaction, and gives it back when the transaction ends.

It is passed as the engine's DBAPI module (`create_async_engine(url, module=...)`); the
dialect, the connection and server-side cursors stay SQLAlchemy's own.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import weakref
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

# The statements before which Python's sqlite3 begins a transaction by itself.
_TRANSACTION_STARTERS = ("INSERT", "UPDATE", "DELETE", "REPLACE")

# A writer still waiting after this long goes ahead and leaves the wait to SQLite's busy
# timeout, as without the queue: a transaction that itself waits on a second one nested in
# it must end in SQLite's clear "database is locked", never hang.
TURN_TIMEOUT_SECONDS = 30.0


class WriterTurns:
    """One writing transaction at a time per event loop, served in the order they asked."""

    def __init__(self) -> None:
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    async def take(self) -> asyncio.Lock | None:
        """Wait for this loop's turn; the lock to give back, or None if the wait timed out."""
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        try:
            await asyncio.wait_for(lock.acquire(), TURN_TIMEOUT_SECONDS)
        except TimeoutError:
            return None
        return lock


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
        adapted: OneTripConnection = self._adapt_connection  # type: ignore[assignment]
        if operation[:16].lstrip().upper().startswith(_TRANSACTION_STARTERS):
            await adapted.take_writer_turn()
        try:
            async with adapted._execute_mutex:
                self._outcome = await connection._execute(
                    _execute, connection._conn, operation, parameters, many
                )
                self._rows = collections.deque(self._outcome[3])
        finally:
            if not adapted._open():  # the statement failed before its transaction began
                adapted.end_writer_turn()

    async def _async_soft_close(self) -> None:
        """Nothing to close: the SQLite cursor was closed on its own thread."""

    def close(self) -> None:
        self._rows.clear()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """A connection whose commit and rollback make no trip when SQLite has nothing to end.

    The pool rolls back every connection it takes back, most of them just committed, and a
    transaction that only read has nothing to commit: SQLite itself would do nothing.
    """

    __slots__ = ("_turn",)
    _cursor_cls = OneTripCursor
    dbapi: OneTripDBAPI

    def __init__(self, dbapi: OneTripDBAPI, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._turn: asyncio.Lock | None = None

    async def take_writer_turn(self) -> None:
        """Wait, behind the writers that came first, unless this transaction writes already."""
        if self._turn is None and not self._open():
            self._turn = await self.dbapi.writer_turns.take()

    def end_writer_turn(self) -> None:
        if self._turn is not None:
            self._turn.release()
            self._turn = None

    def commit(self) -> None:
        try:
            if self._open():
                super().commit()
        finally:
            self.end_writer_turn()

    def rollback(self) -> None:
        try:
            if self._open():
                super().rollback()
        finally:
            self.end_writer_turn()

    def close(self) -> None:
        self.end_writer_turn()
        super().close()

    def terminate(self) -> None:
        self.end_writer_turn()
        super().terminate()

    def _open(self) -> bool:
        """Tell whether SQLite has a transaction open (asked here: no statement is running)."""
        sqlite = self._connection._connection
        return sqlite is not None and sqlite.in_transaction


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module to hand `create_async_engine` for SQLite files."""

    def __init__(self, aiosqlite: Any, sqlite: Any) -> None:
        super().__init__(aiosqlite, sqlite)
        self.writer_turns = WriterTurns()

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


def one_trip_dbapi() -> OneTripDBAPI:
    return OneTripDBAPI(aiosqlite, sqlite3)
