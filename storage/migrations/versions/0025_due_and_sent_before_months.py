"""the participation report reads meetings due and not held from counts kept per day due, and
children's runs sent before their meetings per month

At national scale "due in the period and not held by its end" read 400,000 meetings for
every report, and "sent before the meeting" 60,000 rows of counts kept per meeting day.
`meeting_due_count` holds the meetings per day due, kind and day held (none if not held);
`sent_before_month_count` the runs sent before per month of the meetings' days. Both are
kept with the meetings' counts (storage.repositories.meeting_counts); this fills them from
the meetings and the days' counts stored before.

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


def _month(column: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS DATE)"
    return f"date({column}, 'start of month')"


def upgrade() -> None:
    op.create_table(
        "meeting_due_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_due_count")),
    )
    op.create_index(
        "ix_meeting_due_count_counted", "meeting_due_count", ["due_date", "kind", "held_on", "n"]
    )
    op.execute(
        "INSERT INTO meeting_due_count (due_date, kind, held_on, n) "
        "SELECT due_date, kind, held_on, COUNT(*) FROM review GROUP BY due_date, kind, held_on"
    )
    op.create_table(
        "sent_before_month_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_before_month_count")),
    )
    op.create_index("ix_sent_before_month_count_month", "sent_before_month_count", ["month"])
    op.execute(
        "INSERT INTO sent_before_month_count (month, days, runs) "
        f"SELECT month, days, SUM(runs) FROM (SELECT {_month('held_on')} AS month, days, runs "
        "FROM sent_before_count) d GROUP BY month, days"
    )


def downgrade() -> None:
    op.drop_index("ix_sent_before_month_count_month", table_name="sent_before_month_count")
    op.drop_table("sent_before_month_count")
    op.drop_index("ix_meeting_due_count_counted", table_name="meeting_due_count")
    op.drop_table("meeting_due_count")
