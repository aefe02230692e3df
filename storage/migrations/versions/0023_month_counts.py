"""the participation report reads a period's whole months from the meetings' and the feedback's
counts added up per month

At national scale a year is 62,000 rows of meetings' counts kept per day and 80,000 of
parents' chosen options, each grouped again for every report. `meeting_month_count` and
`feedback_month_count` hold the same counts per month, kept with the days' (storage.
repositories.meeting_counts, report_counts); a report reads its whole months from them and
only the days around them from the days' counts. Added up here from the days' counts.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 15:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# The keys each month's counts are kept by, with their lengths, as the days' tables have them.
MEETING_KEYS = (("kind", 16), ("code", 16), ("band", 8), ("gender", 32))
FEEDBACK_KEYS = (("role", 16), ("flow_id", 64), ("step_id", 32), ("measure", 16), ("value", 400))
# (table, the day's table, its day column, the keys, the counted columns)
MONTHLY = (
    (
        "meeting_month_count",
        "meeting_count",
        "held_on",
        MEETING_KEYS,
        ("held", "in_timescale", "seen_before", "seen_no", "views"),
    ),
    ("feedback_month_count", "feedback_count", "day", FEEDBACK_KEYS, ("n",)),
)


def _month(column: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS DATE)"
    return f"date({column}, 'start of month')"


def upgrade() -> None:
    for table, days, day, keys, sums in MONTHLY:
        names = [name for name, _length in keys]
        # A meeting's child may have no gender; every other key is always there.
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("month", sa.Date(), nullable=False),
            *(sa.Column(k, sa.String(length=n), nullable=k == "gender") for k, n in keys),
            *(sa.Column(name, sa.Integer(), nullable=False) for name in sums),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            # The feedback's months are upserted as runs are sent: one row per key.
            *(
                [sa.UniqueConstraint("month", *names, name=op.f(f"uq_{table}_month"))]
                if table == "feedback_month_count"
                else []
            ),
        )
        columns = ", ".join(names)
        op.execute(
            f"INSERT INTO {table} (month, {columns}, {', '.join(sums)}) "
            f"SELECT month, {columns}, {', '.join(f'SUM({name})' for name in sums)} "
            f"FROM (SELECT {_month(day)} AS month, {columns}, {', '.join(sums)} FROM {days}) d "
            f"GROUP BY month, {columns}"
        )
    op.create_index("ix_meeting_month_count_month", "meeting_month_count", ["month"])


def downgrade() -> None:
    op.drop_table("feedback_month_count")
    op.drop_index("ix_meeting_month_count_month", table_name="meeting_month_count")
    op.drop_table("meeting_month_count")
