"""Charts: counts start at zero with whole-number ticks, even when there is nothing to count."""

from __future__ import annotations

from datetime import date

from matplotlib.axes import Axes

from bot.bootstrap import Services
from feedback_reports import charts
from feedback_reports.participation import build_participation_report
from feedback_reports.participation_model import FunnelCounts, ParticipationReport
from tests.support import FIXED_NOW

COUNT_CHARTS = ("codes", "funnel", "ratings", "children")


async def _empty_report(services: Services) -> ParticipationReport:
    async with services.uow() as uow:
        return await build_participation_report(
            uow, date(2026, 1, 1), date(2026, 3, 31), now=FIXED_NOW
        )


def _ticks(axes: Axes) -> list[float]:
    low, high = axes.get_ylim()
    return [tick for tick in axes.get_yticks() if low <= tick <= high]


def _check(report: ParticipationReport) -> None:
    drawn = charts.figures(report)
    assert set(drawn) == {
        *("codes", "year_on_year", "trend", "funnel", "ratings"),
        *("children", "plans", "challenges"),
    }
    for name, figure in drawn.items():
        for axes in figure.axes:
            low, high = axes.get_ylim()
            assert low == 0 and high > 0, (name, low, high)
            if name in COUNT_CHARTS:
                ticks = _ticks(axes)
                assert ticks and all(tick == int(tick) for tick in ticks), (name, ticks)
            else:
                assert high == 100, name


async def test_charts_of_a_period_with_nothing_in_it_have_no_negative_axis(
    services: Services,
) -> None:
    _check(await _empty_report(services))


async def test_small_counts_get_whole_number_ticks(services: Services) -> None:
    empty = await _empty_report(services)
    few = FunnelCounts(invited=2, joined=1, started=1, sent=0)
    report = empty.model_copy(
        update={
            "feedback": empty.feedback.model_copy(update={"rating": {"4": 1, "5": 2}}),
            "funnel": empty.funnel.model_copy(update={"by_audience": {"child": few}}),
        }
    )
    _check(report)
    assert len(charts.all_charts(report)) == 8
