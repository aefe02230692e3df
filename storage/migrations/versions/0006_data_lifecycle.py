"""data lifecycle: erasure tombstones, and summaries that keep the report's figures

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erased_child",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref_hash", sa.String(length=64), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_erased_child_child_id_child")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erased_child")),
    )
    op.create_index(op.f("ix_erased_child_case_ref_hash"), "erased_child", ["case_ref_hash"])
    op.create_table(
        "run_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("participant_key", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_run_summary_child_id_child")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["review.id"], name=op.f("fk_run_summary_review_id_review")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_summary")),
    )
    op.create_index(op.f("ix_run_summary_child_id"), "run_summary", ["child_id"])
    op.create_index(op.f("ix_run_summary_review_id"), "run_summary", ["review_id"])
    op.create_table(
        "answer_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_summary_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("choice", sa.String(length=400), nullable=True),
        sa.Column("text_themes", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_summary_id"],
            ["run_summary.id"],
            name=op.f("fk_answer_summary_run_summary_id_run_summary"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_summary")),
    )
    op.create_index(op.f("ix_answer_summary_run_summary_id"), "answer_summary", ["run_summary_id"])
    op.create_table(
        "invitation_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_invitation_summary_child_id_child")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_summary")),
    )
    op.create_index(op.f("ix_invitation_summary_child_id"), "invitation_summary", ["child_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_invitation_summary_child_id"), table_name="invitation_summary")
    op.drop_table("invitation_summary")
    op.drop_index(op.f("ix_answer_summary_run_summary_id"), table_name="answer_summary")
    op.drop_table("answer_summary")
    op.drop_index(op.f("ix_run_summary_review_id"), table_name="run_summary")
    op.drop_index(op.f("ix_run_summary_child_id"), table_name="run_summary")
    op.drop_table("run_summary")
    op.drop_index(op.f("ix_erased_child_case_ref_hash"), table_name="erased_child")
    op.drop_table("erased_child")
