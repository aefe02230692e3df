"""processed_update and inbound_update keyed by update id, chat and message or callback id

Telegram may number updates afresh after a week without any, so an update id alone can come
back on a new update. Rows from before keep chat 0 and an empty item: they can no longer
match a new key, and housekeeping forgets them within days.

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ("processed_update", "inbound_update")
KEY = ["update_id", "chat_id", "item"]


def upgrade() -> None:
    # A handled webhook update had its chat dropped; it needs one now, being part of the key.
    op.execute("UPDATE inbound_update SET chat_id = 0 WHERE chat_id IS NULL")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            if table == "processed_update":
                batch.add_column(
                    sa.Column("chat_id", sa.BigInteger(), nullable=False, server_default="0")
                )
            else:
                batch.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=False)
            batch.add_column(
                sa.Column("item", sa.String(length=64), nullable=False, server_default="")
            )
            batch.drop_constraint(f"pk_{table}", type_="primary")
            batch.create_primary_key(f"pk_{table}", KEY)
        with op.batch_alter_table(table) as batch:
            batch.alter_column("item", existing_type=sa.String(length=64), server_default=None)
            if table == "processed_update":
                batch.alter_column("chat_id", existing_type=sa.BigInteger(), server_default=None)


def downgrade() -> None:
    for table in TABLES:
        # The id alone becomes the key again: of rows sharing an id, keep those still waiting.
        op.execute(
            f"DELETE FROM {table} WHERE update_id IN "
            f"(SELECT update_id FROM {table} GROUP BY update_id HAVING count(*) > 1)"
            + (" AND handled_at IS NOT NULL" if table == "inbound_update" else "")
        )
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"pk_{table}", type_="primary")
            batch.create_primary_key(f"pk_{table}", ["update_id"])
            batch.drop_column("item")
            if table == "processed_update":
                batch.drop_column("chat_id")
            else:
                batch.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=True)
