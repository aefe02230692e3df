"""Updates keyed by update id, chat and message or callback id; themes of words encrypted

Telegram may number updates afresh after a week without any, so an update id alone can come
back on a new update: processed_update and inbound_update are keyed by all three. Rows from
before keep chat 0 and an empty item: they can no longer match a new key, and housekeeping
forgets them within days.

The themes found in typed words (answer, answer_summary) tell of the words, so they are
encrypted like them: `text_themes` becomes `text_themes_cipher`. Rows that have themes need
the data key, which `mysay db upgrade` passes in (`storage.database.alembic_config`).

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLES = ("processed_update", "inbound_update")
KEY = ["update_id", "chat_id", "item"]
THEMED = ("answer", "answer_summary")


def upgrade() -> None:
    _key_updates()
    for table in THEMED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("text_themes_cipher", sa.LargeBinary(), nullable=True))
        _convert(table, "text_themes", "text_themes_cipher", lambda cipher: cipher.encrypt)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("text_themes")


def downgrade() -> None:
    for table in THEMED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("text_themes", sa.String(length=200), nullable=True))
        _convert(table, "text_themes_cipher", "text_themes", lambda cipher: cipher.decrypt)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("text_themes_cipher")
    _unkey_updates()


def _convert(
    table: str, source: str, target: str, how: Callable[[Any], Callable[[Any], Any]]
) -> None:
    """Fill `target` from `source` with the data key's encrypt or decrypt, row by row."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(f"SELECT id, {source} FROM {table} WHERE {source} IS NOT NULL")
    ).all()
    if not rows:
        return
    convert = how(_checked_cipher())
    bind.execute(
        sa.text(f"UPDATE {table} SET {target} = :value WHERE id = :id"),
        [{"id": row_id, "value": convert(value)} for row_id, value in rows],
    )


def _checked_cipher() -> Any:
    """The data key `mysay db upgrade` passed in, once it has opened the key check value."""
    config = op.get_context().config
    cipher = config.attributes.get("cipher") if config is not None else None
    if cipher is None:
        raise RuntimeError(
            "stored themes must be encrypted with the data key: run `mysay db upgrade`"
        )
    check = op.get_bind().execute(sa.text("SELECT token FROM key_check ORDER BY id")).first()
    if check is not None:
        cipher.decrypt(check[0])  # DataKeyError: not the key this database was written with
    return cipher


def _key_updates() -> None:
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


def _unkey_updates() -> None:
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
