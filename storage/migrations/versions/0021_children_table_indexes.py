"""the children's tables read periods in care, plans and IRO allocations from indexes that hold
every column they count

At national scale (113,000 periods in care, 75,000 plans, 150,000 allocations) each children's
table found its rows by one date and then read every row for the other date, the child and
the legal status or category. The indexes below lead with the date each table searches by and
hold the rest, so the rows are never read; they replace the one-column indexes they begin with.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 12:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# (table, the one-column index replaced, its column, the covering index, its columns)
COVERING = (
    (
        "care_episode",
        "ix_care_episode_started_on",
        "started_on",
        "ix_care_episode_open",
        ["started_on", "ended_on", "child_id", "legal_status"],
    ),
    (
        "care_episode",
        "ix_care_episode_ended_on",
        "ended_on",
        "ix_care_episode_ended",
        ["ended_on", "child_id", "legal_status"],
    ),
    (
        "plan_episode",
        "ix_plan_episode_started_on",
        "started_on",
        "ix_plan_episode_open",
        ["started_on", "ended_on", "category", "child_id"],
    ),
    (
        "plan_episode",
        "ix_plan_episode_ended_on",
        "ended_on",
        "ix_plan_episode_ended",
        ["ended_on", "started_on", "child_id"],
    ),
    (
        "iro_allocation",
        "ix_iro_allocation_iro_id",
        "iro_id",
        "ix_iro_allocation_caseload",
        ["iro_id", "started_on", "ended_on", "child_id"],
    ),
)


def upgrade() -> None:
    for table, replaced, _column, covering, columns in COVERING:
        op.create_index(covering, table, columns)
        op.drop_index(replaced, table_name=table)


def downgrade() -> None:
    for table, replaced, column, covering, _columns in reversed(COVERING):
        op.create_index(replaced, table, [column])
        op.drop_index(covering, table_name=table)
