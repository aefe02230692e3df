"""report at national scale: what it counts of a run kept as the run is sent; indexes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Parents' and carers' runs sent before this revision, counted as the bot now counts them
# when a run is sent: live runs with their answers, and the summaries of runs deleted since.
_SENT = """
SELECT run.id AS run_id, {day} AS day, participant.role AS role, run.flow_id AS flow_id
FROM run JOIN participant ON participant.id = run.participant_id
WHERE run.status = 'submitted' AND participant.role IN ('parent', 'carer')
"""
_KEPT = """
SELECT id AS run_id, {kept_day} AS day, role, flow_id FROM run_summary
WHERE status = 'submitted' AND role IN ('parent', 'carer')
"""
_COUNTED = """
SELECT s.day, s.role, s.flow_id, '' AS step_id, 'respondent' AS measure, '' AS value
FROM ({sent}) s
UNION ALL
SELECT s.day, s.role, s.flow_id, a.step_id, 'choice', a.choice
FROM ({sent}) s JOIN answer a ON a.run_id = s.run_id
WHERE a.kind IN ('choice', 'yesno', 'scale') AND a.choice IS NOT NULL
UNION ALL
SELECT s.day, s.role, s.flow_id, a.step_id, 'themes', a.text_themes
FROM ({sent}) s JOIN answer a ON a.run_id = s.run_id
WHERE a.text_themes IS NOT NULL
UNION ALL
SELECT k.day, k.role, k.flow_id, '' AS step_id, 'respondent' AS measure, '' AS value
FROM ({kept}) k
UNION ALL
SELECT k.day, k.role, k.flow_id, a.step_id, 'choice', a.choice
FROM ({kept}) k JOIN answer_summary a ON a.run_summary_id = k.run_id
WHERE a.kind IN ('choice', 'yesno', 'scale') AND a.choice IS NOT NULL
UNION ALL
SELECT k.day, k.role, k.flow_id, a.step_id, 'themes', a.text_themes
FROM ({kept}) k JOIN answer_summary a ON a.run_summary_id = k.run_id
WHERE a.text_themes IS NOT NULL
"""
# The first day a child sent views for each meeting, from runs and summaries of runs deleted.
_VIEWS = """
UPDATE review SET views_sent_on = (
    SELECT MIN({day}) FROM (
        SELECT run.review_id AS review_id, run.submitted_at AS submitted_at
        FROM run JOIN participant ON participant.id = run.participant_id
        WHERE participant.role = 'child' AND run.status = 'submitted'
        UNION ALL
        SELECT review_id, submitted_at FROM run_summary
        WHERE role = 'child' AND status = 'submitted'
    ) sent
    WHERE sent.review_id = review.id
)
"""
_BACKFILL = """
INSERT INTO feedback_count (day, role, flow_id, step_id, measure, value, n)
SELECT day, role, flow_id, step_id, measure, value, COUNT(*) FROM ({counted}) c
GROUP BY day, role, flow_id, step_id, measure, value
"""


def _utc_day() -> str:
    if op.get_bind().dialect.name == "postgresql":
        return "CAST(timezone('UTC', {}) AS DATE)"
    return "date({})"


def _backfill() -> str:
    day = _utc_day()
    sent = _SENT.format(day=day.format("run.submitted_at"))
    kept = _KEPT.format(kept_day=day.format("submitted_at"))
    return _BACKFILL.format(counted=_COUNTED.format(sent=sent, kept=kept))


def upgrade() -> None:
    op.create_table(
        "feedback_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("step_id", sa.String(length=32), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=400), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_count")),
        sa.UniqueConstraint(
            "day",
            "role",
            "flow_id",
            "step_id",
            "measure",
            "value",
            name=op.f("uq_feedback_count_day"),
        ),
    )
    op.execute(_backfill())
    with op.batch_alter_table("review") as batch:
        batch.add_column(sa.Column("views_sent_on", sa.Date(), nullable=True))
    op.execute(_VIEWS.format(day=_utc_day().format("sent.submitted_at")))
    op.create_index("ix_run_status_submitted_at", "run", ["status", "submitted_at"])
    op.create_index(
        "ix_run_review_status_submitted_at", "run", ["review_id", "status", "submitted_at"]
    )
    op.create_index(
        "ix_answer_may_quote",
        "answer",
        ["run_id", "choice"],
        sqlite_where=sa.text("step_id = 'may_quote'"),
        postgresql_where=sa.text("step_id = 'may_quote'"),
    )
    op.create_index(
        "ix_run_participant_started_sent",
        "run",
        ["participant_id", "started_at", "status", "submitted_at"],
    )
    # The new indexes start with review_id and participant_id: they serve every lookup these
    # did.
    op.drop_index("ix_run_review_id", table_name="run")
    op.drop_index("ix_run_participant_id", table_name="run")


def downgrade() -> None:
    op.create_index("ix_run_participant_id", "run", ["participant_id"])
    op.create_index("ix_run_review_id", "run", ["review_id"])
    op.drop_index("ix_run_participant_started_sent", table_name="run")
    op.drop_index("ix_run_review_status_submitted_at", table_name="run")
    op.drop_index("ix_run_status_submitted_at", table_name="run")
    op.drop_index("ix_answer_may_quote", table_name="answer")
    with op.batch_alter_table("review") as batch:
        batch.drop_column("views_sent_on")
    op.drop_table("feedback_count")
