"""the participation report reads meetings from indexes that hold every column it counts,
and the words it quotes from an index of answers in people's own words

At national scale (400,000 meetings a year) the report's meetings query read each meeting's
row after finding it in the held_on index; the index below holds every column the query
groups or counts, so the rows are never read. Meetings due and not held are found alike.
Quotes came from every answer of each consenting run (twenty rows read for one in words);
the partial indexes below hold only the answers in words, by run (which SQLite reads) and
earliest first (which PostgreSQL walks, stopping at the fifty quoted). PostgreSQL took
"may_quote" and "yes" for independent and looked up a consenting run's people one by one;
statistics on the two columns together tell it otherwise.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# As storage.models.OWN_WORDS says it (a migration keeps its own copy of what it made).
OWN_WORDS = "kind = 'text'"
# PostgreSQL's statistics on which choices go with which step (ANALYZE fills them).
STEP_CHOICE = "st_answer_step_choice"


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
    op.create_index(
        "ix_answer_own_words",
        "answer",
        ["run_id"],
        sqlite_where=sa.text(OWN_WORDS),
        postgresql_where=sa.text(OWN_WORDS),
    )
    op.create_index(
        "ix_answer_words_in_order",
        "answer",
        ["answered_at", "id"],
        sqlite_where=sa.text(OWN_WORDS),
        postgresql_where=sa.text(OWN_WORDS),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE STATISTICS {STEP_CHOICE} (dependencies, mcv) ON step_id, choice FROM answer"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP STATISTICS IF EXISTS {STEP_CHOICE}")
    op.drop_index("ix_answer_words_in_order", table_name="answer")
    op.drop_index("ix_answer_own_words", table_name="answer")
    op.drop_index("ix_review_due_held_kind", table_name="review")
    op.drop_index("ix_review_held_counted", table_name="review")
