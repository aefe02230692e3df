"""Aggregate SQL for participation metrics: the database counts, Python only adds up groups.

Every query groups in the database and returns at most a few thousand rows however many
meetings there are. Per-meeting values (age band, quarter, "views via My Say") are computed
in a subquery and grouped by the outer query, so no bound parameter is repeated in GROUP BY
(PostgreSQL would refuse that). Date arithmetic differs between SQLite and PostgreSQL, so
the helpers below branch on the dialect explicitly; everything else is portable SQL.

Runs and invitations are counted together with the summaries kept of those deleted since (by
retention or an erasure), so deleting people's words never changes a past figure. Meetings,
and children's runs sent before them, are read from the counts kept per day as they are
written (`storage.repositories.meeting_counts`), except one IRO's meetings, read from the rows;
the funnel's invitations and people from the rows kept per child as runs and invitations are
written (`storage.repositories.funnel_counts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeAlias

from sqlalchemy import (
    Select,
    case,
    func,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import ColumnElement, TextClause

from storage.models import (
    NO_DAY,
    FunnelCount,
    FunnelMonthCount,
    MeetingCount,
    MeetingDueCount,
    MeetingMonthCount,
    Review,
    SentBeforeCount,
    SentBeforeMonthCount,
)
from storage.report_sql import (
    Expr,
    PeriodParts,
    month_end,
    per_meeting,
    years_before,
    younger_than,
)
from storage.repositories.meeting_counts import SUMS

ATTENDED = ("PN1", "PN2", "PN3", "PN4")
CONVEYED = ("PN5", "PN6")
ADVOCATE = ("PN2", "PN5")
NOT_CONVEYED = ("PN7",)
AUDIENCES = ("child", "parent", "carer")
# The funnel's stages, in the order people go through them.
FUNNEL_STAGES = ("invited", "joined", "started", "sent")
# England's financial year, which councils' annual reports follow, starts in April.
FINANCIAL_YEAR_START = 4

# A select of any row shape (SQLAlchemy 2.1 typing).
Query: TypeAlias = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class Quarter:
    label: str
    start: date
    end: date


def quarters(start: date, end: date, first_month: int = FINANCIAL_YEAR_START) -> list[Quarter]:
    """Return the quarters that overlap [start, end], of years starting in `first_month`.

    With the default (April, England's financial year) quarters read like 2026-27 Q1 (April
    to June 2026); with January, like 2026 Q1.
    """
    if not 1 <= first_month <= 12:
        raise ValueError("a year starts in a month from 1 to 12")
    # Months counted from year 0, so a quarter's start is a whole number of months.
    offset = (start.year * 12 + start.month - first_month) // 3 * 3 + first_month - 1
    found = []
    while (first := _month(offset)) <= end:
        after = _month(offset + 3)
        year, number = divmod(offset - first_month + 1, 12)
        name = str(year) if first_month == 1 else f"{year}-{(year + 1) % 100:02d}"
        found.append(Quarter(f"{name} Q{number // 3 + 1}", first, after - timedelta(days=1)))
        offset += 3
    return found


def _month(months: int) -> date:
    """The first day of a month counted from January of year 0."""
    return date(months // 12, months % 12 + 1, 1)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def report_settings(dialect: str) -> list[TextClause]:
    """Settings for the report's transaction (they end with it), by database.

    At national scale PostgreSQL groups the meetings by sorting one row per meeting; its
    default 4 MB of sort memory spills that to disk, and compiling the query (JIT) costs more
    than it saves. Parallel workers each built the whole of the funnel's per-person count
    again (the inner side of a join is not shared between them), which tripled its work and
    made the report a third slower. SQLite's are set per connection (storage.database).
    """
    if dialect != "postgresql":
        return []
    return [
        text("SET LOCAL work_mem = '64MB'"),
        text("SET LOCAL jit = off"),
        text("SET LOCAL max_parallel_workers_per_gather = 0"),
    ]


def dialect_of(session: AsyncSession) -> str:
    bind = session.bind
    assert bind is not None, "the unit of work's session has no engine"
    return bind.dialect.name


def _quarter(held_on: Expr, periods: Sequence[Quarter]) -> ColumnElement[Any]:
    """The label of the trend's quarter a day falls in (no quarters: NULL)."""
    if not periods:
        return null()
    return case(*((held_on.between(q.start, q.end), q.label) for q in periods))


def meetings_query(
    start: date,
    end: date,
    dialect: str,
    periods: Sequence[Quarter],
    chair_id: int | None = None,
) -> Query:
    """Meetings held in [start, end], grouped by kind, code, quarter, age band and gender.

    `periods` are the quarters of the trend, as `quarters` returns them (none: no quarter).
    Every IRO's meetings are read from the counts kept per month for the period's whole months
    (`MeetingMonthCount`; a month's first day tells its quarter, as quarters are whole
    months) and per day for the days around them (`MeetingCount`); with `chair_id`, one
    IRO's from the meetings themselves (`chaired_meetings_query`).
    """
    if chair_id is not None:
        return chaired_meetings_query(start, end, dialect, periods, chair_id)
    parts = PeriodParts.of(start, end)
    kept = union_all(
        *(
            select(
                model.kind,
                model.code,
                _quarter(day, periods).label("quarter"),
                *(getattr(model, name) for name in ("band", "gender", *SUMS)),
            ).where(on(day))
            for model, day, on in (
                (MeetingMonthCount, MeetingMonthCount.month, parts.on_months),
                (MeetingCount, MeetingCount.held_on, parts.on_days),
            )
        )
    ).subquery()
    return _by_group(kept, func.sum(kept.c.held))


def chaired_meetings_query(
    start: date, end: date, dialect: str, periods: Sequence[Quarter], chair_id: int
) -> Query:
    """The meetings one IRO chaired, held in [start, end], grouped as `meetings_query`'s,
    counted from their rows by the definitions the kept counts use (`per_meeting`)."""
    m = per_meeting(dialect, Review.held_on.between(start, end), *_chaired(chair_id)).c
    flags = (m.in_timescale, m.seen_before, m.seen_no, m.views)
    # The quarter is worked out in a subquery, so no bound parameter is repeated in GROUP BY.
    dated = select(
        m.kind, m.code, _quarter(m.held_on, periods).label("quarter"), m.band, m.gender, *flags
    ).subquery()
    return _by_group(dated, func.count())


def _by_group(rows: Subquery, held: ColumnElement[Any]) -> Query:
    """Meetings held and their flags' sums, by kind, code, quarter, age band and gender."""
    c = rows.c
    return select(
        c.kind,
        c.code,
        c.quarter,
        c.band,
        c.gender,
        held.label("held"),
        func.sum(c.in_timescale).label("in_timescale"),
        func.sum(c.seen_before).label("seen_before"),
        func.sum(c.seen_no).label("seen_no"),
        func.sum(c.views).label("views"),
    ).group_by(c.kind, c.code, c.quarter, c.band, c.gender)


def _chaired(chair_id: int | None) -> list[ColumnElement[bool]]:
    return [] if chair_id is None else [Review.chair_id == chair_id]


def due_not_held_query(start: date, end: date, today: date, chair_id: int | None = None) -> Query:
    """Meetings due in [start, end] and before `today`, not held by the period's end, by kind.

    A meeting held before the period started is not counted (it was held, early); one due
    today or later may still be held on time, so it is not counted yet. Every IRO's are read
    from the meetings counted per day due, kind and day held (`MeetingDueCount`); one IRO's
    from the meetings themselves.
    """
    rows: type[MeetingDueCount] | type[Review] = MeetingDueCount if chair_id is None else Review
    n = func.sum(MeetingDueCount.n) if chair_id is None else func.count()
    return (
        select(rows.kind, n.label("due_not_held"))
        .where(
            rows.due_date.between(start, end),
            rows.due_date < today,
            or_(rows.held_on.is_(None), rows.held_on > end),
            *_chaired(chair_id),
        )
        .group_by(rows.kind)
    )


def funnel_query(start: date, end: date, dialect: str) -> Query:
    """Invitations made and used in the period, and people who started and who sent a run in
    it, by stage and role: all of them (`n`), those with no birth date (`unknown`), and those
    under 8 and under 13 on the period's last day (the age bands' bounds, `age_band`).

    Read from the funnel's rows kept per child (`FunnelCount`): a person's row counts when its
    day is in the period and the same person's day before is not, so each person active in
    the period counts once; an invitation's rows have no day before and each counts. A period
    of whole months, whose bounds fall on months' last days, reads them added up per month
    (`FunnelMonthCount`): a day before falls before the period exactly when its month does,
    and a birth after a bound exactly when its month does (`_monthly_parts`). Each stage's and
    role's rows are read in the order of their index, with a sum per bound rather than a group
    per age band, as sorting every row of the period into groups first was most of the cost.
    """
    bounds = [years_before(end, years) for years in (8, 13)]
    parts = _monthly_parts(start, end, bounds)
    f, m = FunnelCount, FunnelMonthCount
    per_day = select(
        f.stage,
        f.role,
        f.n,
        _n_if(f.n, f.birth_date.is_(None)).label("unknown"),
        _n_if(f.n, younger_than(8, f.birth_date, end, dialect)).label("under_8"),
        _n_if(f.n, younger_than(13, f.birth_date, end, dialect)).label("under_13"),
    ).where(
        f.stage.in_(FUNNEL_STAGES),
        f.role.in_(AUDIENCES),
        parts.on_days(f.day),
        or_(f.previous_day.is_(None), f.previous_day < start),
    )
    per_month = select(
        m.stage,
        m.role,
        m.n,
        _n_if(m.n, m.birth_month == NO_DAY).label("unknown"),
        *(
            _n_if(m.n, m.birth_month > bound).label(name)
            for name, bound in zip(("under_8", "under_13"), bounds, strict=True)
        ),
    ).where(
        m.stage.in_(FUNNEL_STAGES),
        m.role.in_(AUDIENCES),
        parts.on_months(m.month),
        m.previous_month < start,
    )
    rows = union_all(per_month, per_day).subquery()
    c = rows.c
    return select(
        c.stage,
        c.role,
        func.sum(c.n).label("n"),
        *(func.sum(c[name]).label(name) for name in ("unknown", "under_8", "under_13")),
    ).group_by(c.stage, c.role)


def _monthly_parts(start: date, end: date, bounds: Sequence[date]) -> PeriodParts:
    """The period's whole months and the days around them, when the funnel may read its whole
    months per month (it starts on a month's first day and the age bands' bounds are months'
    last days); else all its days."""
    if start.day == 1 and all(bound == month_end(bound) for bound in bounds):
        return PeriodParts.of(start, end)
    return PeriodParts(None, ((start, end),))


def _n_if(n: Expr, condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return case((condition, n), else_=0)


def days_before_meeting_query(start: date, end: date) -> Query:
    """How many children's runs were sent each number of days before their meeting, for the
    meetings held in the period (counted as runs are sent: per month for the period's whole
    months, `SentBeforeMonthCount`, and per meeting day around them, `SentBeforeCount`)."""
    parts = PeriodParts.of(start, end)
    kept = union_all(
        select(SentBeforeMonthCount.days, SentBeforeMonthCount.runs).where(
            parts.on_months(SentBeforeMonthCount.month)
        ),
        select(SentBeforeCount.days, SentBeforeCount.runs).where(
            parts.on_days(SentBeforeCount.held_on)
        ),
    ).subquery()
    return select(kept.c.days, func.sum(kept.c.runs).label("runs")).group_by(kept.c.days)
