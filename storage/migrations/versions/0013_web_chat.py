"""web_chat: a child's conversation opened in a web browser from their invitation

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_chat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pin_hash", sa.String(length=200), nullable=True),
        sa.Column("pin_failures", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_web_chat_child_id_child"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_web_chat_invitation_id_invitation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_chat")),
        sa.UniqueConstraint("child_id", name=op.f("uq_web_chat_child_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_chat_token_hash")),
    )
    op.create_index(op.f("ix_web_chat_invitation_id"), "web_chat", ["invitation_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_web_chat_invitation_id"), table_name="web_chat")
    op.drop_table("web_chat")
