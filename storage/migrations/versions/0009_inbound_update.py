"""inbound_update: updates received by webhook, stored before Telegram is answered

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

WAITING = sa.text("handled_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "inbound_update",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("body_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_inbound_update")),
    )
    op.create_index(
        "ix_inbound_update_waiting",
        "inbound_update",
        ["chat_id", "update_id"],
        postgresql_where=WAITING,
        sqlite_where=WAITING,
    )
    op.create_index("ix_inbound_update_handled_at", "inbound_update", ["handled_at"])


def downgrade() -> None:
    op.drop_index("ix_inbound_update_handled_at", "inbound_update")
    op.drop_index("ix_inbound_update_waiting", "inbound_update")
    op.drop_table("inbound_update")
