"""the children's tables read a period's whole months from counts kept per month

At national scale the children in care (and on a plan) on a day read every span kept per
child in `episode_flow` (190,000 periods in care and plans) and worked out each child's age
band, and the children who started or ended one read each row of the period: most of the
report's time after 0025. The tables print each breakdown on its own, so `episode_month_count`
adds the rows up per population, flow, month of their day, month of the child's start before
(end after) ('0001-01-01' for none; for a span always) and one characteristic's value ('' for
none recorded):
- a start or an end counts once under each of gender, ethnicity, legal status and age band;
- a span counts what it changes in the children on each month's last day: one more in its
  start's month, one fewer in its end's (nothing when it ends in the month it starts), and,
  in the month a birthday takes its child over an age band's bound while it is open, one
  fewer in the band before and one more in the next (an age band on a month's last day
  follows from the months since birth).
The unit of work keeps them as it counts a child's rows again
(storage.repositories.episode_flows); this fills them from the rows stored before.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

KEYS = ("population", "flow", "month", "other_month", "dimension", "value")
# The DfE's age bands below 16 in order, with the age in months each one's children are
# under, and the band after them.
BANDS = (("under_1", 12), ("1_4", 60), ("5_9", 120), ("10_15", 192))
OLDEST = "16_plus"
SPAN = "flow = 'open' AND (other_day IS NULL OR {other_month} > {month})"
ENDED_SPAN = "flow = 'open' AND other_day IS NOT NULL AND {other_month} > {month}"


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _month(column: str, later: int = 0) -> str:
    """The first day of a date's month, `later` months on."""
    if _postgres():
        return f"CAST(date_trunc('month', {column}) + interval '{later} months' AS DATE)"
    return f"date({column}, 'start of month', '+{later} months')"


def _number(column: str) -> str:
    """A date's months since year 0."""
    if _postgres():
        parts = [f"CAST(EXTRACT({part} FROM {column}) AS INTEGER)" for part in ("YEAR", "MONTH")]
    else:
        parts = [f"CAST(substr({column}, {at}, {n}) AS INTEGER)" for at, n in ((1, 4), (6, 2))]
    return f"({parts[0]} * 12 + {parts[1]} - 1)"


def _band(months_old: str) -> str:
    """The age band on a month's last day of a child that many months old then."""
    whens = " ".join(f"WHEN {months_old} < {under} THEN '{band}'" for band, under in BANDS)
    return f"CASE WHEN birth_date IS NULL THEN 'unknown' {whens} ELSE '{OLDEST}' END"


def _moves() -> list[str]:
    """What each row adds to its months: (population, flow, month, other_month, dimension,
    value, n) selects."""
    no_day = "DATE '0001-01-01'" if _postgres() else "'0001-01-01'"
    month, other_month = _month("day"), _month("other_day")
    span = SPAN.format(other_month=other_month, month=month)
    ended = ENDED_SPAN.format(other_month=other_month, month=month)
    born = _number("birth_date")
    # The first select names the columns of them all.
    moves = [
        f"SELECT population, flow, {month} AS month, COALESCE({other_month}, {no_day}) AS "
        f"other_month, '{dimension}' AS dimension, COALESCE({dimension}, '') AS value, 1 AS n "
        "FROM episode_flow WHERE flow <> 'open'"
        for dimension in ("gender", "ethnicity", "legal_status", "band")
    ]
    for dimension in ("gender", "ethnicity", "legal_status"):
        value = f"'{dimension}', COALESCE({dimension}, '')"
        moves.append(
            f"SELECT population, flow, {month}, {no_day}, {value}, 1 "
            f"FROM episode_flow WHERE {span}"
        )
        moves.append(
            f"SELECT population, flow, {other_month}, {no_day}, {value}, -1 "
            f"FROM episode_flow WHERE {ended}"
        )
    started_band = _band(f"{_number('day')} - {born}")
    ended_band = _band(f"{_number('other_day')} - 1 - {born}")
    moves.append(
        f"SELECT population, flow, {month}, {no_day}, 'band', {started_band}, 1 "
        f"FROM episode_flow WHERE {span}"
    )
    moves.append(
        f"SELECT population, flow, {other_month}, {no_day}, 'band', {ended_band}, -1 "
        f"FROM episode_flow WHERE {ended}"
    )
    afters = [band for band, _ in BANDS[1:]] + [OLDEST]
    for (before, under), after in zip(BANDS, afters, strict=True):
        bound = f"{born} + {under}"
        crossed = (
            f"{span} AND birth_date IS NOT NULL AND {bound} > {_number('day')} "
            f"AND (other_day IS NULL OR {bound} < {_number('other_day')})"
        )
        for band, n in ((before, -1), (after, 1)):
            moves.append(
                f"SELECT population, flow, {_month('birth_date', under)}, {no_day}, 'band', "
                f"'{band}', {n} FROM episode_flow WHERE {crossed}"
            )
    return moves


def upgrade() -> None:
    words = [("population", 8), ("flow", 8), ("dimension", 16), ("value", 64)]
    op.create_table(
        "episode_month_count",
        sa.Column("id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.String(length=n), nullable=False) for name, n in words),
        *(sa.Column(name, sa.Date(), nullable=False) for name in ("month", "other_month")),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_month_count")),
        sa.UniqueConstraint(*KEYS, name=op.f("uq_episode_month_count_population")),
    )
    op.create_index("ix_episode_month_count_counted", "episode_month_count", [*KEYS, "n"])
    keys = ", ".join(KEYS)
    op.execute(
        f"INSERT INTO episode_month_count ({keys}, n) SELECT {keys}, SUM(n) FROM ("
        + " UNION ALL ".join(_moves())
        + f") AS moves GROUP BY {keys} HAVING SUM(n) <> 0"
    )


def downgrade() -> None:
    op.drop_index("ix_episode_month_count_counted", table_name="episode_month_count")
    op.drop_table("episode_month_count")
