"""flag question: the wording of the question a flagged answer replied to

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("flag") as batch:
        batch.add_column(sa.Column("question", sa.String(length=400), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("flag") as batch:
        batch.drop_column("question")
