"""care_episode, plan_episode, iro_allocation, challenge: what the annual report counts of children

Children in care and on a child protection plan are counted from their episodes, IRO caseloads
from allocations with their history, and the issue resolution process from the challenge log.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-03 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def _child_key(table: str) -> list[SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f(f"fk_{table}_child_id_child"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _episode(table: str, *columns: SchemaItem) -> None:
    op.create_table(
        table,
        *_child_key(table),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        *columns,
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("child_id", "started_on", name=op.f(f"uq_{table}_child_id")),
    )
    op.create_index(op.f(f"ix_{table}_started_on"), table, ["started_on"])


def upgrade() -> None:
    _episode("care_episode", sa.Column("legal_status", sa.String(length=8), nullable=True))
    op.create_index(op.f("ix_care_episode_ended_on"), "care_episode", ["ended_on"])
    _episode("plan_episode", sa.Column("category", sa.String(length=16), nullable=False))
    op.create_index(op.f("ix_plan_episode_ended_on"), "plan_episode", ["ended_on"])
    _episode(
        "iro_allocation",
        sa.Column("iro_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["iro_id"], ["staff.id"], name=op.f("fk_iro_allocation_iro_id_staff")
        ),
    )
    op.create_index(op.f("ix_iro_allocation_iro_id"), "iro_allocation", ["iro_id"])
    op.create_table(
        "challenge",
        *_child_key("challenge"),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["raised_by_id"], ["staff.id"], name=op.f("fk_challenge_raised_by_id_staff")
        ),
        sa.UniqueConstraint(
            "child_id", "raised_on", "category", name=op.f("uq_challenge_child_id")
        ),
    )
    op.create_index(op.f("ix_challenge_raised_on"), "challenge", ["raised_on"])


def downgrade() -> None:
    for table in ("challenge", "iro_allocation", "plan_episode", "care_episode"):
        op.drop_table(table)
