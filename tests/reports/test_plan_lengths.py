"""Whether a plan lasted over N months: by one start day worked out in Python for the report's
day (read from the index as it is), by date arithmetic on PostgreSQL for a plan's own end,
and by the dates' digits on SQLite; each must agree with the rule counted row by row."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Date, case, literal, select

from bot.bootstrap import Services
from feedback_reports.children_queries import lasted_over
from feedback_reports.metrics_queries import dialect_of
from storage.models import PlanEpisode
from tests.reports.annual_year import _over

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


def _threshold(until: date, months: int) -> date:
    """The day `lasted_over` compares a start with when the report's day is given."""
    condition = lasted_over(PlanEpisode.started_on, until, months, "sqlite")
    found = condition.right.value  # type: ignore[attr-defined]
    assert isinstance(found, date)
    return found


@given(started=DAYS, until=DAYS, months=st.sampled_from([1, 12, 15, 18, 24]))
def test_a_start_before_the_day_worked_out_is_one_that_lasted_over(
    started: date, until: date, months: int
) -> None:
    assert (started < _threshold(until, months)) == _over(started, until, months)


def test_a_month_too_short_for_the_day_has_lasted_over_on_every_day() -> None:
    # 18 months before 31 March 2026 is "31 September 2024": every September day has lasted.
    assert _threshold(date(2026, 3, 31), 18) == date(2024, 10, 1)
    assert _over(date(2024, 9, 30), date(2026, 3, 31), 18)
    assert not _over(date(2024, 10, 1), date(2026, 3, 31), 18)


# Ends and starts around short months and 29 February, against the row-by-row rule.
EDGES = [
    (date(2024, 1, 31), date(2024, 2, 29), 1),
    (date(2024, 1, 31), date(2024, 3, 1), 1),
    (date(2024, 3, 31), date(2025, 6, 30), 15),
    (date(2024, 3, 31), date(2025, 7, 1), 15),
    (date(2022, 8, 31), date(2024, 2, 29), 18),
    (date(2022, 8, 31), date(2024, 3, 1), 18),
    (date(2022, 2, 28), date(2024, 2, 28), 24),
    (date(2022, 2, 28), date(2024, 2, 29), 24),
    (date(2022, 6, 15), date(2024, 6, 15), 24),
    (date(2022, 6, 15), date(2024, 6, 16), 24),
]


async def test_a_plan_ended_lasted_over_as_the_rule_says_on_both_databases(
    services: Services,
) -> None:
    async with services.uow() as uow:
        dialect = dialect_of(uow.session)
        for started, until, months in EDGES:
            condition = lasted_over(literal(started, Date), literal(until, Date), months, dialect)
            found = await uow.session.scalar(select(case((condition, True), else_=False)))
            assert bool(found) == _over(started, until, months), (started, until, months)
