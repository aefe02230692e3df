"""child_request: what a child asked a person for (to talk, an advocate), until it is done

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "child_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("child_id", sa.Integer(), sa.ForeignKey("child.id"), nullable=False),
        sa.Column("participant_id", sa.Integer(), sa.ForeignKey("participant.id"), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("run.id"), nullable=False),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("review.id"), nullable=True),
        sa.Column("flow_id", sa.String(32), nullable=False),
        sa.Column("step_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("about", sa.String(400), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalate_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("note_cipher", sa.LargeBinary(), nullable=True),
    )
    op.create_index("ix_child_request_child_id", "child_request", ["child_id"])
    op.create_index(
        "ix_child_request_status_escalate_at", "child_request", ["status", "escalate_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_child_request_status_escalate_at", "child_request")
    op.drop_index("ix_child_request_child_id", "child_request")
    op.drop_table("child_request")
