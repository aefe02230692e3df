"""IROs' caseloads on a day from their allocations started and ended per month

A caseload on a day read every allocation ever imported (150,000 at national scale), twice a
report. An IRO's caseload on a day is their allocations started by then less those ended by
then (an allocation ends on or after it starts; a child has one IRO at a time), so
`allocation_month_count` keeps how many started and ended per IRO and month, counted again
as allocations are written (storage.repositories.caseload_counts), and a report reads the
day's own month from the allocations, through the new index on when they ended. This fills
the months from the allocations stored before.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 18:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def _month(column: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS DATE)"
    return f"date({column}, 'start of month')"


def upgrade() -> None:
    op.create_index("ix_iro_allocation_ended", "iro_allocation", ["ended_on", "iro_id"])
    op.create_table(
        "allocation_month_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iro_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("started", sa.Integer(), nullable=False),
        sa.Column("ended", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_month_count")),
        sa.UniqueConstraint("iro_id", "month", name=op.f("uq_allocation_month_count_iro_id")),
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


def downgrade() -> None:
    op.drop_index("ix_allocation_month_count_counted", table_name="allocation_month_count")
    op.drop_table("allocation_month_count")
    op.drop_index("ix_iro_allocation_ended", table_name="iro_allocation")
