"""SQL for the definitions the participation report counts meetings by: age band, in timescale,
days between a child's views and the meeting.

They live in storage because the meetings' counts are kept here as meetings are written
(`storage.repositories.meeting_counts`); the report's own queries (`feedback_reports.
metrics_queries`) read the same definitions, so a kept count and a count from the rows agree.
The words that explain them are `feedback_reports.definitions` and `feedback_reports.timescale`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeAlias

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Child, Review

# The `code` of a meeting held with no participation code recorded.
NO_CODE = "not_recorded"

# Any SQL expression or mapped column.
Expr: TypeAlias = ColumnElement[Any] | QueryableAttribute[Any]


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes the 28th when that year has none."""
    if (day.month, day.day) == (2, 29) and not calendar.isleap(day.year - years):
        return date(day.year - years, 2, 28)
    return day.replace(year=day.year - years)


def month_start(column: Expr, dialect: str) -> ColumnElement[date]:
    """The first day of a stored date's month (the key of the counts kept per month)."""
    if dialect == "postgresql":
        return cast(func.date_trunc("month", column), Date)
    return func.date(column, "start of month", type_=Date)


def month_end(first: date) -> date:
    """The last day of a day's month."""
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def month_number(day: date) -> int:
    """The months since the calendar began to a day's month: months apart subtract."""
    return day.year * 12 + day.month - 1


def month_of_number(number: int) -> date:
    """The first day of the month `month_number` counted."""
    year, month = divmod(number, 12)
    return date(year, month + 1, 1)


@dataclass(frozen=True)
class PeriodParts:
    """A period as its whole months, read from the counts kept per month, and the days before
    and after them, read from the counts kept per day (most of a year is twelve months' rows
    instead of 365 days')."""

    months: tuple[date, date] | None  # the first days of its first and last whole months
    days: tuple[tuple[date, date], ...]

    @classmethod
    def of(cls, start: date, end: date) -> PeriodParts:
        first = start if start.day == 1 else month_end(start) + timedelta(days=1)
        whole_until = end if end == month_end(end) else end.replace(day=1) - timedelta(days=1)
        last = whole_until.replace(day=1)
        if first > last:
            return cls(None, ((start, end),))
        edges = ((start, first - timedelta(days=1)), (month_end(last) + timedelta(days=1), end))
        return cls((first, last), tuple((a, b) for a, b in edges if a <= b))

    def on_days(self, day: Expr) -> ColumnElement[bool]:
        """Whether a day-count's day is one of the days read per day."""
        return or_(false(), *(day.between(a, b) for a, b in self.days))

    def on_months(self, month: Expr) -> ColumnElement[bool]:
        """Whether a month-count's month is one of the whole months."""
        return false() if self.months is None else month.between(*self.months)


def _sqlite_years_before(day: Expr, years: int) -> ColumnElement[str]:
    """A date SQLite keeps as the text YYYY-MM-DD, `years` earlier by its year digits alone
    (2028-02-29 less 13 is '2015-02-29'): cheaper than date arithmetic, row by row."""
    earlier = cast(func.substr(day, 1, 4), Integer) - years
    # Above subtraction, so the year is worked out before it is joined (SQLite binds || first).
    return earlier.op("||", precedence=100, return_type=String)(func.substr(day, 5))


def younger_than(years: int, birth: Expr, on: Expr | date, dialect: str) -> ColumnElement[bool]:
    """Whether someone born on `birth` is under `years` old on the day `on`."""
    if isinstance(on, date):
        # One day to compare with, worked out here: the database reads birth dates as they are.
        return birth > years_before(on, years)
    if dialect == "postgresql":
        # Date arithmetic is cheaper than formatting both dates, row by row; PostgreSQL takes
        # 29 February back to the 28th, which agrees with the YYYYMMDD comparison below.
        return birth > on - literal_column(f"interval '{years} years'")
    # Texts YYYY-MM-DD compare like the numbers YYYYMMDD, whose differences compare like
    # ages (8 years old <=> difference >= 80000): younger <=> born after that text, which
    # need not be a real day (29 February) and agrees with PostgreSQL's.
    return birth > _sqlite_years_before(on, years)


def age_band(birth: Expr, on: Expr | date, dialect: str) -> ColumnElement[str]:
    """Under 8, 8 to 12 or 13 and over on a given day; unknown without a birth date."""
    return case(
        (birth.is_(None), literal_column("'unknown'")),
        (younger_than(8, birth, on, dialect), literal_column("'under_8'")),
        (younger_than(13, birth, on, dialect), literal_column("'8_12'")),
        else_=literal_column("'13_plus'"),
    )


# The DfE's age bands below 16: each one's name and the age its children are under.
DFE_BANDS_UNDER = (("under_1", 1), ("1_4", 5), ("5_9", 10), ("10_15", 16))
DFE_OLDEST, NO_BAND = "16_plus", "unknown"


def dfe_age_band(birth: Expr, on: Expr | date, dialect: str) -> ColumnElement[str]:
    """The DfE's age bands: under 1, 1 to 4, 5 to 9, 10 to 15, 16 and over."""
    return case(
        (birth.is_(None), literal_column(f"'{NO_BAND}'")),
        *(
            (younger_than(years, birth, on, dialect), literal_column(f"'{band}'"))
            for band, years in DFE_BANDS_UNDER
        ),
        else_=literal_column(f"'{DFE_OLDEST}'"),
    )


def dfe_band_in_month(months_old: int) -> str:
    """The DfE age band, on a month's last day, of a child born that many months before (in
    the month itself: 0): what `dfe_age_band` finds on that day whenever its bounds (the day
    so many years before) are months' last days too, as on every month's last day but a 28
    February whose year a band's years before was a leap year."""
    return next((band for band, years in DFE_BANDS_UNDER if months_old < 12 * years), DFE_OLDEST)


def utc_day(column: Expr, dialect: str) -> ColumnElement[date]:
    """The UTC calendar day of a stored timestamp."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def days_between(earlier: Expr, later: Expr, dialect: str) -> ColumnElement[int]:
    if dialect == "postgresql":
        return later - earlier
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def in_timescale_sql() -> ColumnElement[Any]:
    """Whether a meeting was in timescale (`feedback_reports.timescale.in_timescale`) as a SQL
    condition on `review` (true, or false/null when not)."""
    return or_(
        Review.in_timescale.is_(True),
        and_(Review.in_timescale.is_(None), Review.held_on <= Review.due_date),
    )


def one_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 where the condition holds, else 0: summed, how many rows it holds for."""
    return case((condition, 1), else_=0)


def per_meeting(dialect: str, *where: ColumnElement[bool]) -> Subquery:
    """Each meeting held (and matching `where`), with its day and what it is counted by: kind,
    code (or `not_recorded`), age band on the day, gender, and 1 or 0 for in timescale, seen
    before, not seen before and views sent on or before the day."""
    return (
        select(
            Review.held_on.label("held_on"),
            Review.kind.label("kind"),
            func.coalesce(Review.participation, literal(NO_CODE)).label("code"),
            age_band(Child.birth_date, Review.held_on, dialect).label("band"),
            Child.gender.label("gender"),
            one_if(in_timescale_sql()).label("in_timescale"),
            one_if(Review.seen_before.is_(True)).label("seen_before"),
            one_if(Review.seen_before.is_(False)).label("seen_no"),
            one_if(Review.views_sent_on <= Review.held_on).label("views"),
        )
        .join(Child, Child.id == Review.child_id)
        .where(Review.held_on.is_not(None), *where)
        .subquery()
    )
