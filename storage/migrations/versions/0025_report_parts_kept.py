"""the participation report reads meetings due, runs sent before meetings, caseloads on a day
and the funnel from counts kept as they are written

At national scale four of the report's parts still read their rows for every report:
- "due and not held" every meeting due in the period (400,000 a year): `meeting_due_count`
  holds the meetings per day due, kind and day held (none if not held);
- "sent before the meeting" 60,000 rows kept per meeting day: `sent_before_month_count` adds
  them up per month of the meetings' days;
- a caseload on a day every allocation ever imported (150,000): an IRO's caseload on a day is
  their allocations started by then less those ended by then (an allocation ends on or after
  it starts; a child has one IRO at a time), so `allocation_month_count` keeps how many
  started and ended per IRO and month, and the day's own month is read from the allocations
  through a new index on when they ended;
- the funnel 670,000 rows kept per child: `funnel_month_count` adds them up per stage, role,
  month, month of the person's day before and month of the child's birth ('0001-01-01' for
  none), from which a period of whole months, whose age bands' bounds fall on months' last
  days, reads its months.
The unit of work keeps them as meetings, allocations, runs and invitations are written
(storage.repositories.meeting_counts, caseload_counts, funnel_counts); this fills them from
the rows stored before.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

# storage.models.NO_DAY, as this migration writes it.
NO_DAY = "'0001-01-01'"
FUNNEL_KEYS = ("stage", "role", "month", "previous_month", "birth_month")


def _month(column: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS DATE)"
    return f"date({column}, 'start of month')"


def _table(name: str, *columns: sa.Column[object], unique: tuple[str, ...] = ()) -> None:
    """A kept table: an id, the columns (none may be empty but `held_on`), a unique key."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        *([sa.UniqueConstraint(*unique, name=op.f(f"uq_{name}_{unique[0]}"))] if unique else []),
    )


def _counts(*names: str) -> list[sa.Column[object]]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def _days(*names: str) -> list[sa.Column[object]]:
    return [sa.Column(name, sa.Date(), nullable=name == "held_on") for name in names]


def upgrade() -> None:
    _table(
        "meeting_due_count",
        *_days("due_date"),
        sa.Column("kind", sa.String(length=16), nullable=False),
        *_days("held_on"),
        *_counts("n"),
    )
    op.create_index(
        "ix_meeting_due_count_counted", "meeting_due_count", ["due_date", "kind", "held_on", "n"]
    )
    op.execute(
        "INSERT INTO meeting_due_count (due_date, kind, held_on, n) "
        "SELECT due_date, kind, held_on, COUNT(*) FROM review GROUP BY due_date, kind, held_on"
    )
    _table("sent_before_month_count", *_days("month"), *_counts("days", "runs"))
    op.create_index("ix_sent_before_month_count_month", "sent_before_month_count", ["month"])
    op.execute(
        "INSERT INTO sent_before_month_count (month, days, runs) "
        f"SELECT month, days, SUM(runs) FROM (SELECT {_month('held_on')} AS month, days, runs "
        "FROM sent_before_count) d GROUP BY month, days"
    )
    op.create_index("ix_iro_allocation_ended", "iro_allocation", ["ended_on", "iro_id"])
    _table(
        "allocation_month_count",
        *_counts("iro_id"),
        *_days("month"),
        *_counts("started", "ended"),
        unique=("iro_id", "month"),
    )
    op.create_index(
        "ix_allocation_month_count_counted",
        "allocation_month_count",
        ["month", "iro_id", "started", "ended"],
    )
    op.execute(
        "INSERT INTO allocation_month_count (iro_id, month, started, ended) "
        "SELECT iro_id, month, SUM(started), SUM(ended) FROM ("
        f"SELECT iro_id, {_month('started_on')} AS month, 1 AS started, 0 AS ended "
        "FROM iro_allocation UNION ALL "
        f"SELECT iro_id, {_month('ended_on')}, 0, 1 FROM iro_allocation "
        "WHERE ended_on IS NOT NULL) moves GROUP BY iro_id, month"
    )
    _table(
        "funnel_month_count",
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        *_days(*FUNNEL_KEYS[2:]),
        *_counts("n"),
        unique=FUNNEL_KEYS,
    )
    op.create_index("ix_funnel_month_count_counted", "funnel_month_count", [*FUNNEL_KEYS, "n"])
    keys = ", ".join(FUNNEL_KEYS)
    op.execute(
        f"INSERT INTO funnel_month_count ({keys}, n) SELECT {keys}, SUM(n) FROM ("
        f"SELECT stage, role, {_month('day')} AS month, "
        f"COALESCE({_month('previous_day')}, {NO_DAY}) AS previous_month, "
        f"COALESCE({_month('birth_date')}, {NO_DAY}) AS birth_month, n FROM funnel_count"
        f") r GROUP BY {keys}"
    )


def downgrade() -> None:
    for table, index in (
        ("funnel_month_count", "ix_funnel_month_count_counted"),
        ("allocation_month_count", "ix_allocation_month_count_counted"),
        ("sent_before_month_count", "ix_sent_before_month_count_month"),
        ("meeting_due_count", "ix_meeting_due_count_counted"),
    ):
        op.drop_index(index, table_name=table)
        op.drop_table(table)
    op.drop_index("ix_iro_allocation_ended", table_name="iro_allocation")
