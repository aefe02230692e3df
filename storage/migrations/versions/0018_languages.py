"""languages: the language a run was answered in, and each staff member's own

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 06:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Everything before this was said and answered in English. Plain ALTER TABLE, not a
    # batch copy: copying `run` would cascade-delete the rows that point at it.
    for table in ("run", "staff"):
        op.add_column(
            table, sa.Column("locale", sa.String(8), nullable=False, server_default="en")
        )


def downgrade() -> None:
    for table in ("staff", "run"):
        op.drop_column(table, "locale")
