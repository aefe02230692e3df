"""the participation report reads meetings, and children's runs sent before them, from counts
kept per day as they are written

At national scale (400,000 meetings a year) the report read every meeting held in the period
with its child, and every run. `meeting_count` holds, per day, kind, code, age band and
gender, how many meetings were held and how many were in timescale, seen before or had views
sent; `sent_before_count`, per meeting day, how many children's runs were sent how many days
before. The unit of work counts a day again whenever a meeting, child or child's run on it is
written (storage.repositories.meeting_counts). Counted here from the rows already stored.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# As storage.report_sql defines them (a migration keeps its own copy of what it counted).
_COUNTED = """
INSERT INTO meeting_count
    (held_on, kind, code, band, gender, held, in_timescale, seen_before, seen_no, views)
SELECT held_on, kind, code, band, gender, COUNT(*), SUM(in_scale), SUM(seen), SUM(unseen),
    SUM(views)
FROM (
    SELECT review.held_on, review.kind,
        COALESCE(review.participation, 'not_recorded') AS code,
        CASE WHEN child.birth_date IS NULL THEN 'unknown'
            WHEN child.birth_date > {eight_before} THEN 'under_8'
            WHEN child.birth_date > {thirteen_before} THEN '8_12'
            ELSE '13_plus' END AS band,
        child.gender,
        CASE WHEN review.in_timescale IS TRUE
            OR (review.in_timescale IS NULL AND review.held_on <= review.due_date)
            THEN 1 ELSE 0 END AS in_scale,
        CASE WHEN review.seen_before IS TRUE THEN 1 ELSE 0 END AS seen,
        CASE WHEN review.seen_before IS FALSE THEN 1 ELSE 0 END AS unseen,
        CASE WHEN review.views_sent_on <= review.held_on THEN 1 ELSE 0 END AS views
    FROM review JOIN child ON child.id = review.child_id
    WHERE review.held_on IS NOT NULL
) meeting
GROUP BY held_on, kind, code, band, gender
"""

# Children's runs, live and summarised, sent on or before their meeting's day.
_SENT_BEFORE = """
INSERT INTO sent_before_count (held_on, days, runs)
SELECT held_on, {days}, COUNT(*) FROM (
    SELECT review.held_on, {sent_day} AS sent_on
    FROM run JOIN participant ON participant.id = run.participant_id
    JOIN review ON review.id = run.review_id
    WHERE participant.role = 'child' AND run.status = 'submitted'
    UNION ALL
    SELECT review.held_on, {kept_sent_day}
    FROM run_summary JOIN review ON review.id = run_summary.review_id
    WHERE run_summary.role = 'child' AND run_summary.status = 'submitted'
) sent
WHERE held_on IS NOT NULL AND sent_on <= held_on
GROUP BY held_on, {days}
"""


def _sent_before() -> str:
    if op.get_bind().dialect.name == "postgresql":
        day = "CAST(timezone('UTC', {}) AS DATE)"
        days = "held_on - sent_on"
    else:
        day = "date({})"
        days = "CAST(julianday(held_on) - julianday(sent_on) AS INTEGER)"
    return _SENT_BEFORE.format(
        days=days,
        sent_day=day.format("run.submitted_at"),
        kept_sent_day=day.format("run_summary.submitted_at"),
    )


def _years_before(years: int) -> str:
    """The meeting's day `years` earlier, as the report compares birth dates with it."""
    if op.get_bind().dialect.name == "postgresql":
        return f"review.held_on - interval '{years} years'"
    return (
        f"(CAST(substr(review.held_on, 1, 4) AS INTEGER) - {years}) || substr(review.held_on, 5)"
    )


def upgrade() -> None:
    op.create_table(
        "meeting_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("band", sa.String(length=8), nullable=False),
        sa.Column("gender", sa.String(length=32), nullable=True),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("in_timescale", sa.Integer(), nullable=False),
        sa.Column("seen_before", sa.Integer(), nullable=False),
        sa.Column("seen_no", sa.Integer(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_count")),
    )
    op.create_index("ix_meeting_count_held_on", "meeting_count", ["held_on"])
    op.execute(_COUNTED.format(eight_before=_years_before(8), thirteen_before=_years_before(13)))
    op.create_table(
        "sent_before_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_before_count")),
    )
    op.create_index("ix_sent_before_count_held_on", "sent_before_count", ["held_on"])
    op.execute(_sent_before())


def downgrade() -> None:
    op.drop_index("ix_sent_before_count_held_on", table_name="sent_before_count")
    op.drop_table("sent_before_count")
    op.drop_index("ix_meeting_count_held_on", table_name="meeting_count")
    op.drop_table("meeting_count")
