"""telegram_prompt: the message showing a run's question moves from the run to the adapter

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "telegram_prompt",
        sa.Column("run_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["run.id"],
            name=op.f("fk_telegram_prompt_run_id_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_telegram_prompt")),
    )
    op.execute(
        "INSERT INTO telegram_prompt (run_id, message_id) "
        "SELECT id, prompt_message_id FROM run WHERE prompt_message_id IS NOT NULL"
    )
    # ALTER TABLE, not batch mode: copying the run table would drop the old one, and with
    # foreign keys on, SQLite would delete every answer with it (ON DELETE CASCADE).
    op.drop_column("run", "prompt_message_id")


def downgrade() -> None:
    op.add_column("run", sa.Column("prompt_message_id", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE run SET prompt_message_id = "
        "(SELECT message_id FROM telegram_prompt WHERE telegram_prompt.run_id = run.id)"
    )
    op.drop_table("telegram_prompt")
