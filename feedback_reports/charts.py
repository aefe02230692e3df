"""Charts for the HTML participation report: matplotlib to base64 PNG, with no display.

Figures are built with `matplotlib.figure.Figure` rather than pyplot: they draw on the Agg
canvas, never touch a GUI backend, and hold no global state between reports.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from feedback_reports.children_model import TARGETABLE_RATES
from feedback_reports.labels import AUDIENCE_WORDS, KIND_WORDS
from feedback_reports.participation_model import (
    MEETING_TARGETS,
    Count,
    ParticipationReport,
    PreviousPeriod,
    Share,
)
from feedback_reports.suppression import WITHHELD
from storage.models import PARTICIPATION_CODES

# The percentages compared with a year before, and their names on the chart.
HEADLINE = (
    ("in_timescale", "in\ntimescale"),
    ("attended", "attended"),
    ("conveyed_without_attending", "conveyed,\nnot there"),
    ("views_via_bot", "views via\nMy Say"),
)
# Any other percentage of the main table is charted beside them when it has a target.
FIGURE_CHART_WORDS = {
    "in_timescale_with_due_not_held": "in timescale,\nwith due",
    "advocate": "advocate",
    "not_conveyed": "not\nconveyed",
    "seen_before": "seen\nbefore",
}
# The children's percentages charted, each a figure a target may be set for.
PLAN_BARS = (
    ("repeat_plans", "repeat plans\n(of those started)"),
    ("plans_ended_over_24_months", "over 24 months\n(of those ended)"),
)
CHALLENGE_BARS = (
    ("challenges_resolved", "resolved\n(of those raised)"),
    ("challenges_resolved_in_timescale", "in the timescale\n(of those resolved)"),
)
THIS_PERIOD, YEAR_BEFORE = "#37a", "#aaa"
# The children's counts charted: which population, which table, and their words.
CHILDREN_BARS = (
    ("in_care", "on_date", "in care\non the day"),
    ("in_care", "started", "started\nin care"),
    ("in_care", "ended", "left\ncare"),
    ("on_plan", "on_date", "on a plan\non the day"),
    ("on_plan", "started", "plan\nstarted"),
    ("on_plan", "ended", "plan\nended"),
)
# Where a line starts and ends on the x axis.
Span = tuple[float, float]


def _axes(width: float, height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure, figure.subplots()


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    if figure.get_layout_engine() is None:  # a figure with a legend outside lays itself out
        figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=96)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _count_axis(axes: Axes, counts: Sequence[Count], label: str) -> None:
    """Start a count axis at zero, with whole-number ticks, even with nothing to count.

    Left alone, matplotlib centres an all-zero chart on 0 (a negative axis) and puts ticks at
    0.5 when the largest count is 1 or 2.
    """
    highest = max((c for c in counts if isinstance(c, int)), default=0)
    axes.set_ylim(0, max(highest, 1) * 1.1)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(label)


def _bars(
    axes: Axes, positions: list[float], counts: Sequence[Count], width: float, label: str
) -> None:
    """Draw counts as bars; a withheld count gets no bar but "[c]" where it would stand."""
    shown = [c if isinstance(c, int) else 0 for c in counts]
    axes.bar(positions, shown, width, label=label)
    for position, count in zip(positions, counts, strict=True):
        if count == WITHHELD:
            axes.annotate(
                WITHHELD, (position, 0), ha="center", va="bottom", fontsize=7, rotation=90
            )


def participation_codes(report: ParticipationReport) -> Figure:
    """Return a grouped bar chart of meetings per PN code, one bar per kind of meeting."""
    figure, axes = _axes(8, 3.5)
    width = 0.27
    for offset, (kind, metrics) in enumerate(report.kinds().items()):
        positions = [i + (offset - 1) * width for i in range(len(PARTICIPATION_CODES))]
        counts = [metrics.pn[c] for c in PARTICIPATION_CODES]
        _bars(axes, positions, counts, width, KIND_WORDS[kind])
    axes.set_xticks(range(len(PARTICIPATION_CODES)), PARTICIPATION_CODES)
    counted = [m.pn[code] for m in report.kinds().values() for code in PARTICIPATION_CODES]
    _count_axis(axes, counted, "meetings")
    axes.set_title("How children took part (participation codes)")
    axes.legend()
    return figure


def _target_line(axes: Axes, report: ParticipationReport, figure_name: str, span: Span) -> None:
    """Draw the service's target for a percentage, if it has one, across `span` of the x axis."""
    target = report.options.targets.get(figure_name)
    if target is not None:
        axes.hlines(target, *span, colors="#c22", linestyles="dashed", label="target", zorder=3)


# One bar's worth of a percentage chart: the period's label, its shares, its colour.
Series = tuple[str, Sequence[Share], str]


def _percent_bars(
    axes: Axes,
    positions: list[float],
    shares: Sequence[Share],
    width: float,
    label: str,
    colour: str,
) -> None:
    """Draw percentages as bars; a withheld one gets "[c]" instead, one of nothing "n/a"."""
    shown = [share if isinstance(share, float) else 0.0 for share in shares]
    axes.bar(positions, shown, width, label=label, color=colour)
    for position, share in zip(positions, shares, strict=True):
        if not isinstance(share, float):
            mark = WITHHELD if share == WITHHELD else "n/a"
            axes.annotate(mark, (position, 0), ha="center", va="bottom", fontsize=6, rotation=90)


def _percent_panel(
    axes: Axes,
    report: ParticipationReport,
    bars: Sequence[tuple[str, str]],
    series: Sequence[Series],
) -> None:
    """Draw percentages (each period's bar side by side) on a 0-100 axis, with the targets.

    `bars` are (figure name, words) pairs: a figure the service set a target for gets its
    dashed line over its bars.
    """
    width = 0.76 / len(series)
    for offset, (label, shares, colour) in enumerate(series):
        positions = [i + (offset - (len(series) - 1) / 2) * width for i in range(len(bars))]
        _percent_bars(axes, positions, shares, width, label, colour)
    half = width * len(series) / 2
    for i, (name, _) in enumerate(bars):
        _target_line(axes, report, name, (i - half, i + half))
    axes.set_xticks(range(len(bars)), [words for _, words in bars], fontsize=7)
    axes.set_ylim(0, 100)


def _legend_above(figure: Figure, panels: Sequence[Axes]) -> None:
    """One key for every panel: a target set only for one panel's figure still gets a key."""
    handles: list[Any] = []
    names: list[str] = []
    for axes in panels:
        more, more_names = axes.get_legend_handles_labels()
        handles, names = handles + more, names + more_names
    unique = dict(zip(names, handles, strict=True))
    figure.legend(
        list(unique.values()), list(unique), loc="outside upper center", ncol=3, fontsize=7
    )


def _headline_bars(report: ParticipationReport) -> list[tuple[str, str]]:
    """The headline percentages, and after them any other the service set a target for."""
    targeted = [
        (name, FIGURE_CHART_WORDS[name])
        for name in MEETING_TARGETS
        if name in report.options.targets and name not in dict(HEADLINE)
    ]
    return [*HEADLINE, *targeted]


def year_on_year(report: ParticipationReport) -> Figure:
    """Return bars of the headline percentages, this period beside a year before, per kind.

    A withheld percentage gets no bar but "[c]", one with nothing to divide by "n/a"; the
    service's targets are dashed lines over their figure.
    """
    figure = Figure(figsize=(8, 3.4), layout="constrained")
    FigureCanvasAgg(figure)
    panels = figure.subplots(1, len(report.kinds()), sharey=True)
    bars = _headline_bars(report)
    periods: list[tuple[str, ParticipationReport | PreviousPeriod, str]] = [
        ("this period", report, THIS_PERIOD)
    ]
    if report.previous is not None:
        periods.append(("a year before", report.previous, YEAR_BEFORE))
    for axes, kind in zip(panels, report.kinds(), strict=True):
        series = [
            (label, [getattr(source.kinds()[kind], name).pct for name, _ in bars], colour)
            for label, source, colour in periods
        ]
        _percent_panel(axes, report, bars, series)
        axes.set_title(f"{KIND_WORDS[kind]}s", fontsize=8, pad=3)
    panels[0].set_ylabel("%")
    _legend_above(figure, panels)
    return figure


def _children_percentages(
    report: ParticipationReport, title: str, bars: Sequence[tuple[str, str]]
) -> Figure:
    """Return bars of children's percentages (read by figure name), beside a year before."""
    figure = Figure(figsize=(8, 3), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    sources = [("this period", report.children, THIS_PERIOD)]
    if report.previous is not None and report.previous.children is not None:
        sources.append(("a year before", report.previous.children, YEAR_BEFORE))
    series = [
        (label, [TARGETABLE_RATES[name](found).pct for name, _ in bars], colour)
        for label, found, colour in sources
        if found is not None
    ]
    _percent_panel(axes, report, bars, series)
    axes.set_ylabel("%")
    axes.set_title(title, fontsize=9)
    _legend_above(figure, [axes])
    return figure


def plans(report: ParticipationReport) -> Figure:
    """Return bars of repeat plans and plans ended after over 24 months, with their targets."""
    return _children_percentages(report, "Child protection plans", PLAN_BARS)


def challenges(report: ParticipationReport) -> Figure:
    """Return bars of challenges resolved and resolved within the timescale, with targets."""
    return _children_percentages(report, "Challenges (issue resolution)", CHALLENGE_BARS)


def quarterly_trend(report: ParticipationReport) -> Figure:
    """Return a line chart of attended % by quarter, one line per kind of meeting."""
    figure, axes = _axes(8, 3)
    for kind, rows in report.trend.items():
        values = [
            row.attended.pct if isinstance(row.attended.pct, float) else None for row in rows
        ]
        axes.plot(
            [row.quarter for row in rows],
            [v if v is not None else float("nan") for v in values],
            marker="o",
            label=f"{KIND_WORDS[kind]}s",
        )
    quarters = max((len(rows) for rows in report.trend.values()), default=1)
    _target_line(axes, report, "attended", (-0.2, quarters - 0.8))
    axes.set_ylim(0, 100)
    axes.set_ylabel("attended %")
    axes.set_title("Attended by quarter")
    axes.legend()
    return figure


def funnel(report: ParticipationReport) -> Figure:
    """Return a bar chart of invited, joined, started and sent, per audience."""
    figure, axes = _axes(8, 3)
    stages = ("invited", "joined", "started", "sent")
    width = 0.27
    counted: list[Count] = []
    for offset, (audience, counts) in enumerate(report.funnel.by_audience.items()):
        positions = [i + (offset - 1) * width for i in range(len(stages))]
        found = [getattr(counts, s) for s in stages]
        _bars(axes, positions, found, width, AUDIENCE_WORDS.get(audience, audience))
        counted += found
    axes.set_xticks(range(len(stages)), stages)
    _count_axis(axes, counted, "people or invitations")
    axes.set_title("From invitation to sending views")
    axes.legend()
    return figure


def ratings(report: ParticipationReport) -> Figure:
    """Return a bar chart of parents' and carers' ratings, 1 to 5."""
    figure, axes = _axes(5, 2.6)
    counts = list(report.feedback.rating.values())
    axes.bar(list(report.feedback.rating), counts, color="#5a8")
    _count_axis(axes, counts, "answers")
    axes.set_xlabel("rating")
    axes.set_title("Parents' and carers' ratings")
    return figure


def children(report: ParticipationReport) -> Figure:
    """Return bars of children in care and on a plan (on the day, started, ended), this
    period beside a year before."""
    figure, axes = _axes(8, 3)
    width = 0.38
    sources = [("this period", report.children)]
    if report.previous is not None and report.previous.children is not None:
        sources.append(("a year before", report.previous.children))
    counted: list[Count] = []
    for offset, (label, found) in enumerate(sources):
        assert found is not None
        counts = [
            getattr(getattr(found, population), flow).children
            for population, flow, _ in CHILDREN_BARS
        ]
        positions = [i + (offset - 0.5) * width for i in range(len(CHILDREN_BARS))]
        _bars(axes, positions, counts, width, label)
        counted += counts
    axes.set_xticks(range(len(CHILDREN_BARS)), [words for *_, words in CHILDREN_BARS], fontsize=7)
    _count_axis(axes, counted, "children")
    axes.set_title("Children in care and on a child protection plan")
    axes.legend()
    return figure


def figures(report: ParticipationReport) -> dict[str, Figure]:
    """Return every chart, keyed by a short name used in the template."""
    found = {
        "codes": participation_codes(report),
        "year_on_year": year_on_year(report),
        "trend": quarterly_trend(report),
        "funnel": funnel(report),
        "ratings": ratings(report),
    }
    if report.children is not None:
        found["children"] = children(report)
        found["plans"] = plans(report)
        found["challenges"] = challenges(report)
    return found


def all_charts(report: ParticipationReport) -> dict[str, str]:
    """Return every chart as base64 PNG, keyed by a short name used in the template."""
    return {name: _png(figure) for name, figure in figures(report).items()}
