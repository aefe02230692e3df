"""flag.source_update_id is not unique: Telegram may reuse update ids after a quiet week

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 11:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("flag") as batch:
        batch.drop_constraint("uq_flag_source_update_id", type_="unique")
        batch.create_index("ix_flag_source_update_id", ["source_update_id"])


def downgrade() -> None:
    with op.batch_alter_table("flag") as batch:
        batch.drop_index("ix_flag_source_update_id")
        batch.create_unique_constraint("uq_flag_source_update_id", ["source_update_id"])
