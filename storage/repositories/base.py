"""The base of every repository: a session to query, and the cipher for free text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import Table
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.crypto import TextCipher
from storage.models import Base

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql

# Either database's INSERT that can say what to do ON CONFLICT; PostgreSQL's module is
# imported only where it is used (`insert_into`).
Upsert: TypeAlias = "postgresql.Insert | sqlite.Insert"


@dataclass
class Noted:
    """What a transaction's writes moved, for its commit to count again: meeting days, days
    meetings were due, IROs' months, and children and participants whose rows (or whose
    meetings' days) are looked up."""

    days: set[date] = field(default_factory=set)
    due_days: set[date] = field(default_factory=set)
    iro_months: set[tuple[int, date]] = field(default_factory=set)
    children: set[int] = field(default_factory=set)
    participants: set[int] = field(default_factory=set)


def noted(session: Session, key: str) -> Noted:
    """What this session's transaction noted under `key` (made the first time it is asked
    for, kept in `session.info` until the commit takes it)."""
    found: Noted | None = session.info.get(key)
    if found is None:
        found = session.info[key] = Noted()
    return found


def sorted_chunks(values: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """The values in order, `size` at a time (a statement's worth of parameters)."""
    ordered = sorted(values)
    for first in range(0, len(ordered), size):
        yield ordered[first : first + size]


def table_of(model: type[Base]) -> Table:
    """The model's table: statements on it skip the ORM's per-execution work."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def insert_into(table: type[Base] | Table, postgres: bool) -> Upsert:
    """An INSERT that can say what to do ON CONFLICT, in that database's own dialect.

    One statement instead of a look-up and then an insert or update; both backends spell
    it the same way, only the construct's module differs. PostgreSQL's is imported only
    there: on SQLite its 2 MiB would be held for nothing (issue 18).
    """
    if postgres:
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    return sqlite.insert(table)


class Repository:
    """Repositories are the only code that turns rows into queries, and text into ciphertext."""

    def __init__(self, session: AsyncSession, cipher: TextCipher) -> None:
        self.session = session
        self.cipher = cipher

    @property
    def on_postgres(self) -> bool:
        return self.session.bind is not None and self.session.bind.dialect.name == "postgresql"

    def insert(self, model: type[Base]) -> Upsert:
        """An INSERT that can say what to do ON CONFLICT (see `insert_into`)."""
        return insert_into(model, self.on_postgres)
