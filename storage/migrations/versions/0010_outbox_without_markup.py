"""outbox_message loses reply_markup: each channel offers a flag's actions its own way

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 18:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as table:
        table.drop_column("reply_markup")


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as table:
        table.add_column(sa.Column("reply_markup", sa.JSON(), nullable=True))
