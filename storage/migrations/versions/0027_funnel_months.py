"""the participation funnel reads a period's whole months from its rows added up per month

At national scale the funnel added up 670,000 rows kept per child for a year, most of the
report's remaining time. `funnel_month_count` holds them added up per stage, role, month, the
month of the person's day before and the month of the child's birth ('0001-01-01' for none),
from which a period of whole months, whose age bands' bounds fall on months' last days, reads
its months. The unit of work moves a month's rows by what a child's rows counted again added
and took away (storage.repositories.funnel_counts); added up here from the rows stored.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

# storage.models.NO_DAY, as this migration writes it.
NO_DAY = "'0001-01-01'"
KEYS = ("stage", "role", "month", "previous_month", "birth_month")


def _month(column: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS DATE)"
    return f"date({column}, 'start of month')"


def upgrade() -> None:
    op.create_table(
        "funnel_month_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        *(sa.Column(name, sa.Date(), nullable=False) for name in KEYS[2:]),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funnel_month_count")),
        sa.UniqueConstraint(*KEYS, name=op.f("uq_funnel_month_count_stage")),
    )
    op.create_index("ix_funnel_month_count_counted", "funnel_month_count", [*KEYS, "n"])
    keys = ", ".join(KEYS)
    op.execute(
        f"INSERT INTO funnel_month_count ({keys}, n) SELECT {keys}, SUM(n) FROM ("
        f"SELECT stage, role, {_month('day')} AS month, "
        f"COALESCE({_month('previous_day')}, {NO_DAY}) AS previous_month, "
        f"COALESCE({_month('birth_date')}, {NO_DAY}) AS birth_month, n FROM funnel_count"
        f") r GROUP BY {keys}"
    )


def downgrade() -> None:
    op.drop_index("ix_funnel_month_count_counted", table_name="funnel_month_count")
    op.drop_table("funnel_month_count")
