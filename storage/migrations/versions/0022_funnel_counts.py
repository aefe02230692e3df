"""the participation funnel reads invitations and people from rows kept per child as runs and
invitations are written

At national scale (a quarter of a million runs and 130,000 invitations a year) the funnel
found each person's runs of the period, live and summarised, to count each person once, and
read every invitation. `funnel_count` holds, per child, each day invitations were made and
used (how many), and each day a person started or sent a run, with that person's day before,
so a person active in a period is the one row in it whose day before is not. The unit of work
counts a child's rows again whenever their runs, invitations or birth date are written
(storage.repositories.funnel_counts). Counted here from the rows already stored.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# As storage.repositories.funnel_counts counts them (a migration keeps its own copy).
_INVITATIONS = """
INSERT INTO funnel_count (child_id, birth_date, stage, role, day, previous_day, n)
SELECT made.child_id, child.birth_date, made.stage, made.role, made.day, NULL, COUNT(*)
FROM (
    SELECT child_id, 'invited' AS stage, role, {created} AS day FROM invitation
    WHERE role IN ('child', 'parent', 'carer') AND child_id IS NOT NULL
    UNION ALL
    SELECT child_id, 'joined', role, {used} FROM invitation
    WHERE used_at IS NOT NULL AND role IN ('child', 'parent', 'carer')
        AND child_id IS NOT NULL
    UNION ALL
    SELECT child_id, 'invited', role, {created} FROM invitation_summary
    WHERE role IN ('child', 'parent', 'carer')
    UNION ALL
    SELECT child_id, 'joined', role, {used} FROM invitation_summary
    WHERE used_at IS NOT NULL AND role IN ('child', 'parent', 'carer')
) made JOIN child ON child.id = made.child_id
GROUP BY made.child_id, child.birth_date, made.stage, made.role, made.day
"""

# A person's day is one row however many runs they started (or sent) in it: UNION.
_PEOPLE = """
INSERT INTO funnel_count (child_id, birth_date, stage, role, day, previous_day, n)
SELECT active.child_id, child.birth_date, active.stage, active.role, active.day,
    LAG(active.day) OVER (PARTITION BY active.person, active.stage ORDER BY active.day), 1
FROM (
    SELECT run.participant_id AS person, participant.child_id, 'started' AS stage,
        participant.role, {started} AS day
    FROM run JOIN participant ON participant.id = run.participant_id
    WHERE participant.role IN ('child', 'parent', 'carer') AND participant.child_id IS NOT NULL
    UNION
    SELECT run.participant_id, participant.child_id, 'sent', participant.role, {sent}
    FROM run JOIN participant ON participant.id = run.participant_id
    WHERE run.submitted_at IS NOT NULL AND run.status = 'submitted'
        AND participant.role IN ('child', 'parent', 'carer') AND participant.child_id IS NOT NULL
    UNION
    SELECT participant_key, child_id, 'started', role, {kept_started} FROM run_summary
    WHERE role IN ('child', 'parent', 'carer')
    UNION
    SELECT participant_key, child_id, 'sent', role, {kept_sent} FROM run_summary
    WHERE submitted_at IS NOT NULL AND status = 'submitted'
        AND role IN ('child', 'parent', 'carer')
) active JOIN child ON child.id = active.child_id
"""


def _day(column: str) -> str:
    """The UTC calendar day of a stored timestamp."""
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(timezone('UTC', {column}) AS DATE)"
    return f"date({column})"


def upgrade() -> None:
    op.create_table(
        "funnel_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("previous_day", sa.Date(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funnel_count")),
    )
    op.create_index("ix_funnel_count_child_id", "funnel_count", ["child_id"])
    op.create_index(
        "ix_funnel_count_counted",
        "funnel_count",
        ["stage", "role", "day", "previous_day", "birth_date", "n"],
    )
    op.execute(_INVITATIONS.format(created=_day("created_at"), used=_day("used_at")))
    op.execute(
        _PEOPLE.format(
            started=_day("run.started_at"),
            sent=_day("run.submitted_at"),
            kept_started=_day("started_at"),
            kept_sent=_day("submitted_at"),
        )
    )


def downgrade() -> None:
    op.drop_index("ix_funnel_count_counted", table_name="funnel_count")
    op.drop_index("ix_funnel_count_child_id", table_name="funnel_count")
    op.drop_table("funnel_count")
