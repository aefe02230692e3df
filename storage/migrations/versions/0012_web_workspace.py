"""The staff web workspace: one-time sign-in links, sessions, and deactivated staff

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def _token_table(name: str, *moments: tuple[str, bool]) -> None:
    """A table of hashed tokens for one staff member, with its moments (name, nullable)."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        *(sa.Column(moment, WHEN, nullable=nullable) for moment, nullable in moments),
        sa.UniqueConstraint("token_hash", name=f"uq_{name}_token_hash"),
    )
    op.create_index(f"ix_{name}_staff_id", name, ["staff_id"])


def upgrade() -> None:
    with op.batch_alter_table("staff") as table:
        table.add_column(sa.Column("deactivated_at", WHEN, nullable=True))
    _token_table("web_sign_in", ("created_at", False), ("expires_at", False), ("used_at", True))
    op.create_index("ix_web_sign_in_expires_at", "web_sign_in", ["expires_at"])
    _token_table("web_session", ("created_at", False), ("last_seen_at", False), ("ended_at", True))
    op.create_index("ix_web_session_last_seen_at", "web_session", ["last_seen_at"])


def downgrade() -> None:
    op.drop_table("web_session")
    op.drop_table("web_sign_in")
    with op.batch_alter_table("staff") as table:
        table.drop_column("deactivated_at")
