"""the participation report reads meetings from indexes that hold every column it counts

At national scale (400,000 meetings a year) the report's meetings query read each meeting's
row after finding it in the held_on index; the index below holds every column the query
groups or counts, so the rows are never read. Meetings due and not held are found alike.

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-05 06:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_review_held_counted",
        "review",
        [
            "held_on",
            "kind",
            "participation",
            "child_id",
            "due_date",
            "in_timescale",
            "seen_before",
            "views_sent_on",
        ],
    )
    op.create_index("ix_review_due_held_kind", "review", ["due_date", "held_on", "kind"])


def downgrade() -> None:
    op.drop_index("ix_review_due_held_kind", table_name="review")
    op.drop_index("ix_review_held_counted", table_name="review")
