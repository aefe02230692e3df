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

# (table, the day's table, its day column, the key columns, the counted columns)
MONTHLY = (
    (
        "meeting_month_count",
        "meeting_count",
        "held_on",
        ("kind", "code", "band", "gender"),
        ("held", "in_timescale", "seen_before", "seen_no", "views"),
    ),
    (
        "feedback_month_count",
        "feedback_count",
        "day",
        ("role", "flow_id", "step_id", "measure", "value"),
        ("n",),
    ),
)


def _month(column: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS DATE)"
    return f"date({column}, 'start of month')"


def upgrade() -> None:
    counted = [sa.Column(name, sa.Integer(), nullable=False) for name in MONTHLY[0][4]]
    op.create_table(
        "meeting_month_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("band", sa.String(length=8), nullable=False),
        sa.Column("gender", sa.String(length=32), nullable=True),
        *counted,
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_month_count")),
    )
    op.create_index("ix_meeting_month_count_month", "meeting_month_count", ["month"])
    unique = ("month", "role", "flow_id", "step_id", "measure", "value")
    op.create_table(
        "feedback_month_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("step_id", sa.String(length=32), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=400), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_month_count")),
        sa.UniqueConstraint(*unique, name=op.f("uq_feedback_month_count_month")),
    )
    for table, days, day, keys, sums in MONTHLY:
        columns = ", ".join(keys)
        op.execute(
            f"INSERT INTO {table} (month, {columns}, {', '.join(sums)}) "
            f"SELECT month, {columns}, {', '.join(f'SUM({name})' for name in sums)} "
            f"FROM (SELECT {_month(day)} AS month, {columns}, {', '.join(sums)} FROM {days}) d "
            f"GROUP BY month, {columns}"
        )


def downgrade() -> None:
    op.drop_table("feedback_month_count")
    op.drop_index("ix_meeting_month_count_month", table_name="meeting_month_count")
    op.drop_table("meeting_month_count")
