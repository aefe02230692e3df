"""The declarative base every table shares: its naming convention, its types, the
vocabularies and index conditions more than one table or repository reads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Index,
    MetaData,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names let Alembic migrate SQLite (batch mode) and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The kinds of meeting, as `conversations.review_kinds` defines them (storage may not import
# it; tests/conversations/test_vocabularies.py checks the two agree).
REVIEW_KINDS = ("cla_review", "icpc", "rcpc")
PARTICIPATION_CODES = tuple(f"PN{n}" for n in range(8))
# A run still going: waiting on a question, or showing its summary.
OPEN_RUN = ("waiting", "reviewing")
# The answer to "may we quote your words?": the id every flow gives its `quote_consent` step
# (tests/conversations/test_flow_check.py checks it), so one small partial index serves them all.
MAY_QUOTE = "step_id = 'may_quote'"
# Answers in someone's own words: the report reads a quoted run's words without its choices.
OWN_WORDS = "kind = 'text'"


def partial_index(name: str, *columns: str, where: str) -> Index:
    """An index of only the rows `where` selects, in SQLite and PostgreSQL alike.

    Only SQLite's condition is named here: naming `postgresql_where` makes SQLAlchemy import
    its PostgreSQL dialect, 2 MiB a bot on SQLite would hold for nothing (issue 18). Only
    migrations create and compare indexes, and their environment gives PostgreSQL the same
    condition (`add_postgresql_conditions`).
    """
    return Index(name, *columns, sqlite_where=text(where))


def add_postgresql_conditions(metadata: MetaData) -> None:
    """Give every partial index PostgreSQL's condition, the same as SQLite's."""
    for table in metadata.tables.values():
        for index in table.indexes:
            where = index.dialect_options["sqlite"]["where"]
            if where is not None:
                index.dialect_kwargs["postgresql_where"] = where


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes in UTC on every backend (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware one (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON}  # noqa: RUF012
