"""A plan open on the report's day has lasted over N months by one start day worked out in
Python (read from the index as it is): it must agree with the rule counted row by row."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from feedback_reports.children_queries import lasted_over
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
