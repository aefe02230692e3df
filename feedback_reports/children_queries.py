"""Aggregate SQL for the children's figures: episodes, plans, allocations and challenges.

Each query groups in the database and returns one row per combination of characteristics
(a few hundred at most, however many children there are). A child is counted once per
table: on a day a child is in at most one care episode and one plan (imports refuse
overlaps), and the flows keep each child's first episode started, or last ended, in the
period (kept per child as episodes are written, `storage.repositories.episode_flows`). An
episode ending on the snapshot day is over by then, as in the DfE's "at 31 March" counts.
Periods of whole months, and months' last days, read those rows added up per month and per
characteristic's value instead (`EpisodeMonthCount`): a few thousand rows, not one per episode.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    case,
    cast,
    exists,
    extract,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import ColumnElement

from feedback_reports.children_model import PLAN_MONTHS
from feedback_reports.metrics_queries import Expr, Query
from storage.models import (
    CHALLENGE_STAGES,
    NO_DAY,
    AllocationMonthCount,
    CareEpisode,
    Challenge,
    EpisodeFlow,
    EpisodeMonthCount,
    IroAllocation,
    PlanEpisode,
    Staff,
)
from storage.report_sql import (
    DFE_BANDS_UNDER,
    days_between,
    dfe_age_band,
    month_end,
    month_number,
    month_of_number,
    years_before,
)
from storage.repositories.episode_flows import POPULATIONS

Episodes = type[CareEpisode] | type[PlanEpisode]
# Where SQLite's text YYYY-MM-DD holds the year, the month and the day: (first, length).
SQLITE_PARTS = ((1, 4), (6, 2), (9, 2))


def months_and_day(day: Expr, dialect: str) -> ColumnElement[int]:
    """A day as its months since year 0, times 100, plus its day of the month.

    One day is over `n` months after another exactly when the difference is over n * 100:
    the months between them are the hundreds, and a later day of the month sorts after (one
    the month lacks too: 31 March and 15 months is "31 June", after 30 June and before 1
    July), so "over 15 months" means the same on SQLite and PostgreSQL.
    """
    if dialect == "postgresql":
        parts = [cast(extract(part, day), Integer) for part in ("year", "month", "day")]
    else:
        # SQLite keeps dates as the text YYYY-MM-DD.
        parts = [cast(func.substr(day, at, length), Integer) for at, length in SQLITE_PARTS]
    year, month, day_of_month = parts
    return (year * 12 + month) * 100 + day_of_month


def lasted_months_over(lasted: int, months: int) -> bool:
    """Whether a difference of `months_and_day`s is over that many months."""
    return lasted > months * 100


def lasted_over(
    started: Expr, until: Expr | date, months: int, dialect: str
) -> ColumnElement[bool]:
    if isinstance(until, date):
        # Started before one day worked out here: the index is read as it is, not row by row.
        return started < _started_before(until, months)
    lasted = months_and_day(until, dialect) - months_and_day(started, dialect)
    return lasted > months * 100


def _started_before(until: date, months: int) -> date:
    """The first start day that had not lasted over `months` by `until`, as `months_and_day`
    counts: `until`'s day that many months earlier, or, when that month is too short to have
    it, the first of the month after (every day of the short month had lasted over)."""
    first = month_of_number(month_number(until) - months)
    if until.day <= calendar.monthrange(first.year, first.month)[1]:
        return first.replace(day=until.day)
    return month_of_number(month_number(first) + 1)


def _open_on(model: Episodes, day: date) -> ColumnElement[bool]:
    return (model.started_on <= day) & or_(model.ended_on.is_(None), model.ended_on > day)


def _grouped(episodes: Subquery) -> Query:
    """Children per combination of characteristics, from one row per child."""
    e = episodes.c
    return select(
        e.gender, e.ethnicity, e.legal_status, e.band, func.count().label("children")
    ).group_by(e.gender, e.ethnicity, e.legal_status, e.band)


def _kept(model: Episodes, flow: str, *where: ColumnElement[bool]) -> Any:
    """These rows of the episodes' flows kept per child (`EpisodeFlow`)."""
    f = EpisodeFlow
    population = next(name for name, kept in POPULATIONS.items() if kept is model)
    return (f.population == population, f.flow == flow, *where)


def on_date_query(model: Episodes, day: date, dialect: str) -> Query:
    """Children in an episode open on `day`, by characteristics (the age band on the day).

    Read from the spans kept per child (`EpisodeFlow`, `open`), so the child is not joined.
    """
    f = EpisodeFlow
    rows = (
        select(
            f.gender,
            f.ethnicity,
            f.legal_status,
            dfe_age_band(f.birth_date, day, dialect).label("band"),
        )
        .where(*_kept(model, "open", f.day <= day, or_(f.other_day.is_(None), f.other_day > day)))
        .subquery("open_on_day")
    )
    return _grouped(rows)


def flow_query(model: Episodes, start: date, end: date, column: str) -> Query:
    """Children with an episode starting (`started_on`) or ending (`ended_on`) in the period,
    by characteristics then: each child's first start, or last end, in the period.

    Read from the flows kept per child (`EpisodeFlow`): a row counts when its day is in the
    period and the same child's start before (end after) is not.
    """
    f = EpisodeFlow
    started = column == "started_on"
    outside = f.other_day < start if started else f.other_day > end
    rows = (
        select(f.gender, f.ethnicity, f.legal_status, f.band)
        .where(
            *_kept(
                model,
                "started" if started else "ended",
                f.day.between(start, end),
                or_(f.other_day.is_(None), outside),
            )
        )
        .subquery("per_child")
    )
    return _grouped(rows)


def on_month_end_query(population: str, day: date) -> Query:
    """Children in an episode open on `day`, a month's last day, per characteristic's value
    (`dimension`, `value`): the changes kept per month (`EpisodeMonthCount`) up to its month
    added up. Right when `reads_month_ends(day)`."""
    k = EpisodeMonthCount
    return _per_value(k.population == population, k.flow == "open", k.month <= day.replace(day=1))


def months_flow_query(population: str, start: date, end: date, flow: str) -> Query:
    """`flow_query` per characteristic's value, for a period of whole months (`reads_whole_
    months`), from its rows kept per month: a child's first start (last end) in it is the
    row whose start before (end after) is in a month before (after) it, or none."""
    k = EpisodeMonthCount
    if flow == "started":
        outside = k.other_month < start
    else:
        outside = or_(k.other_month == NO_DAY, k.other_month > end)
    return _per_value(
        k.population == population,
        k.flow == flow,
        k.month.between(start, end.replace(day=1)),
        outside,
    )


def _per_value(*where: ColumnElement[bool]) -> Query:
    k = EpisodeMonthCount
    children = func.sum(k.n)
    return (
        select(k.dimension, k.value, children.label("children"))
        .where(*where)
        .group_by(k.dimension, k.value)
    )


def reads_whole_months(start: date, end: date) -> bool:
    """Whether a period's flows can be read per month: it starts on a month's first day and
    ends on a month's last."""
    return start.day == 1 and end == month_end(end)


def reads_month_ends(day: date) -> bool:
    """Whether the children on a day can be read per month: it is a month's last day, and so
    is each age band's bound (the day so many years before; not so for a 28 February when
    one of those years was a leap year)."""
    bounds = [years_before(day, years) for _band, years in DFE_BANDS_UNDER]
    return all(bound == month_end(bound) for bound in (day, *bounds))


def plans_started_query(start: date, end: date) -> Query:
    """Plans started in the period by category, and how many were a child's second or later."""
    earlier = aliased(PlanEpisode)
    # Looked up by the child's (child, started) key, for the plans of the period alone.
    repeat = exists().where(
        and_(earlier.child_id == PlanEpisode.child_id, earlier.started_on < PlanEpisode.started_on)
    )
    return (
        select(
            PlanEpisode.category,
            func.count().label("plans"),
            func.sum(case((repeat, 1), else_=0)).label("repeat"),
        )
        .where(PlanEpisode.started_on.between(start, end))
        .group_by(PlanEpisode.category)
    )


def plans_open_query(day: date, dialect: str) -> Query:
    """Plans open on `day` by category, with how many had lasted over each reported length."""
    return (
        select(
            PlanEpisode.category,
            func.count().label("plans"),
            *_lasting(PlanEpisode.started_on, day, dialect),
        )
        .where(_open_on(PlanEpisode, day))
        .group_by(PlanEpisode.category)
    )


def plans_ended_query(start: date, end: date, dialect: str) -> Query:
    """Plans ended in the period, by how long they lasted (their end's `months_and_day` less
    their start's): a few hundred rows, added up per reported length by the caller, rather
    than every plan's dates taken apart once per length."""
    ended = PlanEpisode.ended_on
    lasted = months_and_day(ended, dialect) - months_and_day(PlanEpisode.started_on, dialect)
    # Worked out in a subquery, so no bound parameter is repeated in GROUP BY.
    rows = select(lasted.label("lasted")).where(ended.between(start, end)).subquery()
    return select(rows.c.lasted, func.count().label("plans")).group_by(rows.c.lasted)


def _lasting(started: Expr, until: Expr | date, dialect: str) -> list[Any]:
    return [
        func.coalesce(
            func.sum(case((lasted_over(started, until, months, dialect), 1), else_=0)), 0
        ).label(f"over_{months}")
        for months in PLAN_MONTHS
    ]


def caseload_query(day: date) -> Query:
    """Children allocated to each IRO on `day` (IROs with none left out).

    An IRO's allocations started by the day less those ended by then (`storage.repositories.
    caseload_counts`): the months before the day's from the counts kept per month
    (`AllocationMonthCount`), the day's month's from the allocations.
    """
    first = day.replace(day=1)
    kept, a = AllocationMonthCount, IroAllocation
    moves = union_all(
        select(kept.iro_id.label("iro_id"), (kept.started - kept.ended).label("open")).where(
            kept.month < first
        ),
        select(a.iro_id, literal(1)).where(a.started_on.between(first, day)),
        select(a.iro_id, literal(-1)).where(a.ended_on.between(first, day)),
    ).subquery()
    # Added up per IRO before their names are joined: a few hundred rows, not every month's.
    children = func.sum(moves.c.open)
    per_iro = (
        select(moves.c.iro_id, children.label("children"))
        .group_by(moves.c.iro_id)
        .having(children > 0)
        .subquery()
    )
    return select(Staff.id, Staff.name, per_iro.c.children).join(
        Staff, Staff.id == per_iro.c.iro_id
    )


def challenges_query(start: date, end: date, stage_days: dict[str, int], dialect: str) -> Query:
    """Challenges raised in the period by category and stage reached, with how many were
    resolved and resolved within the days allowed up to the stage they reached."""
    allowed = case(
        *(
            (Challenge.stage == stage, sum(stage_days[s] for s in CHALLENGE_STAGES[: i + 1]))
            for i, stage in enumerate(CHALLENGE_STAGES)
        ),
        else_=0,
    )
    resolved = Challenge.resolved_on.is_not(None)
    in_time = resolved & (
        days_between(Challenge.raised_on, Challenge.resolved_on, dialect) <= allowed
    )
    return (
        select(
            Challenge.category,
            Challenge.stage,
            func.count().label("raised"),
            func.sum(case((resolved, 1), else_=0)).label("resolved"),
            func.sum(case((in_time, 1), else_=0)).label("in_time"),
        )
        .where(Challenge.raised_on.between(start, end))
        .group_by(Challenge.category, Challenge.stage)
    )
