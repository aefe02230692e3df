"""the children's tables read who started or ended a period in care or a plan from rows kept
per child as episodes are written

At national scale (30,000 periods in care and as many plans started a year) each flow table
numbered every child's episodes of the period and joined their child. `episode_flow` holds,
per episode, a row for its start and one for its end, with the child's characteristics on
that day and the same child's start before (end after), so a child's first start (last end)
in a period is the one row whose start before (end after) falls outside it; and a row of its
span with the child's characteristics and birth date, for the snapshot on a day.

Whenever a child's episodes or characteristics are written, the unit of work counts that
child's rows again (storage.repositories.episode_flows); this fills them from the episodes
and children stored before.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 15:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

# The rows storage.repositories.episode_flows keeps, in this migration's own words.
_FLOWS = """
INSERT INTO episode_flow (child_id, population, flow, day, other_day, gender, ethnicity,
    legal_status, band, birth_date)
SELECT e.child_id, '{population}', '{flow}', e.{day}, {other}, child.gender, child.ethnicity,
    {legal_status}, {band}, child.birth_date
FROM {table} e JOIN child ON child.id = e.child_id
WHERE e.{day} IS NOT NULL
"""
# The DfE age band on the row's day.
_BAND = """CASE WHEN child.birth_date IS NULL THEN 'unknown'
    WHEN child.birth_date > {under_1} THEN 'under_1'
    WHEN child.birth_date > {under_5} THEN '1_4'
    WHEN child.birth_date > {under_10} THEN '5_9'
    WHEN child.birth_date > {under_16} THEN '10_15'
    ELSE '16_plus' END"""


def _years_before(column: str, years: int) -> str:
    """The episode's day `years` earlier, as the report compares birth dates with it."""
    if op.get_bind().dialect.name == "postgresql":
        return f"e.{column} - interval '{years} years'"
    return f"(CAST(substr(e.{column}, 1, 4) AS INTEGER) - {years}) || substr(e.{column}, 5)"


def upgrade() -> None:
    # (column, length) of the words kept; none of them needed but the first two.
    words = [("population", 8), ("flow", 8), ("gender", 32), ("ethnicity", 64)]
    words += [("legal_status", 64), ("band", 8)]
    op.create_table(
        "episode_flow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        *(
            sa.Column(k, sa.String(length=n), nullable=k not in ("population", "flow"))
            for k, n in words
        ),
        *(
            sa.Column(k, sa.Date(), nullable=k != "day")
            for k in ("day", "other_day", "birth_date")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_flow")),
    )
    op.create_index("ix_episode_flow_child_id", "episode_flow", ["child_id"])
    counted = "population flow day other_day gender ethnicity legal_status band birth_date"
    op.create_index("ix_episode_flow_counted", "episode_flow", counted.split())
    for population, table, legal_status in (
        ("in_care", "care_episode", "COALESCE(e.legal_status, child.legal_status)"),
        ("on_plan", "plan_episode", "child.legal_status"),
    ):
        for flow, day, other in (
            (
                "started",
                "started_on",
                "LAG(e.started_on) OVER (PARTITION BY e.child_id ORDER BY e.started_on)",
            ),
            (
                "ended",
                "ended_on",
                "LEAD(e.ended_on) OVER (PARTITION BY e.child_id ORDER BY e.ended_on, e.id)",
            ),
            ("open", "started_on", "e.ended_on"),
        ):
            years = {f"under_{n}": _years_before(day, n) for n in (1, 5, 10, 16)}
            op.execute(
                _FLOWS.format(
                    population=population,
                    flow=flow,
                    day=day,
                    other=other,
                    table=table,
                    legal_status=legal_status,
                    band="NULL" if flow == "open" else _BAND.format(**years),
                )
            )


def downgrade() -> None:
    op.drop_index("ix_episode_flow_counted", table_name="episode_flow")
    op.drop_index("ix_episode_flow_child_id", table_name="episode_flow")
    op.drop_table("episode_flow")
