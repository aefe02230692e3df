"""One kind of meeting's figures: its main table, quarterly trend and breakdowns.

The three share totals (the quarters add up to the period, the age bands and the genders to
all its meetings), so they make one suppression table: a count withheld in a breakdown can
be worked out neither from the trend nor from the main table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Row as SqlRow

from feedback_reports import metrics_queries as q
from feedback_reports.participation_model import (
    Breakdowns,
    GroupMetrics,
    KindMetrics,
    QuarterMetrics,
    Rate,
    ReportOptions,
)
from feedback_reports.suppression import Table
from storage import codes
from storage.models import PARTICIPATION_CODES
from storage.report_sql import NO_CODE

AGE_BANDS = ("under_8", "8_12", "13_plus", "unknown")
GENDERS = (*codes.GENDER, "unknown")
# A grouped row of `meetings_query`: kind, code, quarter, band, gender and sums.
Row = SqlRow[Any]

# A group's figures: those printed in its row, then those readers only know through sums.
PRINTED = ("held", "not_recorded", "rated", "attended", "conveyed", "not_conveyed", "views")
SUMMED = ("pn0", "no_views")
# The main table's cell that each group figure adds up to across a breakdown.
WHOLE = {
    "held": "held",
    "not_recorded": "not_recorded",
    "rated": "rated",
    "attended": "attended",
    "conveyed": "conveyed",
    "not_conveyed": "PN7",
    "views": "views",
    "pn0": "PN0",
    "no_views": "no_views",
}


@dataclass(frozen=True)
class KindFigures:
    metrics: KindMetrics
    trend: list[QuarterMetrics]
    breakdowns: Breakdowns


def _sum(rows: Sequence[Row], field: str, codes: tuple[str, ...] | None = None) -> int:
    """Add up one column of grouped meeting rows, optionally only for some PN codes."""
    return sum(int(getattr(r, field) or 0) for r in rows if codes is None or r.code in codes)


def _group_figures(rows: Sequence[Row], options: ReportOptions) -> dict[str, int]:
    held, views = _sum(rows, "held"), _sum(rows, "views")
    return {
        "held": held,
        "not_recorded": _sum(rows, "held", (NO_CODE,)),
        "rated": _sum(rows, "held", options.rated_codes),
        "attended": _sum(rows, "held", q.ATTENDED),
        "conveyed": _sum(rows, "held", q.CONVEYED),
        "not_conveyed": _sum(rows, "held", q.NOT_CONVEYED),
        "views": views,
        "pn0": _sum(rows, "held", ("PN0",)),
        "no_views": held - views,
    }


def _add_main(
    table: Table, rows: Sequence[Row], due_not_held: int, options: ReportOptions
) -> None:
    held = _sum(rows, "held")
    in_timescale = _sum(rows, "in_timescale")
    seen, not_seen = _sum(rows, "seen_before"), _sum(rows, "seen_no")
    views = _sum(rows, "views")
    table.add("held", held, protect=True)
    table.add("due_not_held", due_not_held)
    table.add("held_or_due", held + due_not_held)
    table.add("in_timescale", in_timescale)
    table.add("late", held - in_timescale, shown=False)
    for code in (*PARTICIPATION_CODES, NO_CODE):
        table.add(code, _sum(rows, "held", (code,)))
    table.add("rated", _sum(rows, "held", options.rated_codes))
    table.add("attended", _sum(rows, "held", q.ATTENDED))
    table.add("conveyed", _sum(rows, "held", q.CONVEYED))
    table.add("advocate", _sum(rows, "held", q.ADVOCATE))
    table.add("seen_yes", seen)
    table.add("seen_no", not_seen, shown=False)
    table.add("seen_known", seen + not_seen)
    table.add("seen_none", held - seen - not_seen)
    table.add("views", views)
    table.add("no_views", held - views, shown=False)
    table.total("held", [*PARTICIPATION_CODES, NO_CODE])
    table.total("rated", options.rated_codes)
    table.total("attended", q.ATTENDED)
    table.total("conveyed", q.CONVEYED)
    table.total("advocate", q.ADVOCATE)
    table.total("held", ["in_timescale", "late"])
    table.total("held_or_due", ["held", "due_not_held"])
    table.total("held", ["seen_known", "seen_none"])
    table.total("seen_known", ["seen_yes", "seen_no"])
    table.total("held", ["views", "no_views"])


def _add_group(table: Table, prefix: str, rows: Sequence[Row], options: ReportOptions) -> None:
    figures = _group_figures(rows, options)
    for name in PRINTED:
        table.add(f"{prefix}/{name}", figures[name])
    for name in SUMMED:
        table.add(f"{prefix}/{name}", figures[name], shown=False)
    parts = [f"{prefix}/{name}" for name in ("attended", "conveyed", "not_conveyed")]
    pn0 = [] if options.exclude_pn0 else [f"{prefix}/pn0"]
    table.total(f"{prefix}/held", [f"{prefix}/not_recorded", f"{prefix}/pn0", *parts])
    table.total(f"{prefix}/rated", [*parts, *pn0])
    table.total(f"{prefix}/held", [f"{prefix}/views", f"{prefix}/no_views"])


def _grouped(
    rows: Sequence[Row], key: Callable[[Row], str], order: tuple[str, ...]
) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {name: [] for name in order}
    for row in rows:
        grouped.setdefault(key(row), []).append(row)
    return grouped


def _group_metrics(table: Table, prefix: str) -> dict[str, object]:
    def rate(count: str, of: str) -> Rate:
        return Rate.of_counts(table.value(f"{prefix}/{count}"), table.value(f"{prefix}/{of}"))

    return {
        "held": table.value(f"{prefix}/held"),
        "participation_not_recorded": table.value(f"{prefix}/not_recorded"),
        "attended": rate("attended", "rated"),
        "conveyed_without_attending": rate("conveyed", "rated"),
        "not_conveyed": rate("not_conveyed", "rated"),
        "views_via_bot": rate("views", "held"),
    }


def _kind_metrics(table: Table) -> KindMetrics:
    def rate(count: str, of: str) -> Rate:
        return Rate.of_counts(table.value(count), table.value(of))

    return KindMetrics(
        held=table.value("held"),
        due_not_held=table.value("due_not_held"),
        in_timescale=rate("in_timescale", "held"),
        in_timescale_with_due_not_held=rate("in_timescale", "held_or_due"),
        pn={code: table.value(code) for code in (*PARTICIPATION_CODES, NO_CODE)},
        attended=rate("attended", "rated"),
        conveyed_without_attending=rate("conveyed", "rated"),
        advocate=rate("advocate", "rated"),
        not_conveyed=rate("PN7", "rated"),
        seen_before=rate("seen_yes", "seen_known"),
        seen_before_not_recorded=table.value("seen_none"),
        views_via_bot=rate("views", "held"),
    )


def kind_figures(
    rows: Sequence[Row],
    due_not_held: int,
    periods: Sequence[q.Quarter],
    options: ReportOptions,
) -> KindFigures:
    """Figures for the meetings of one kind, with small counts withheld across all tables."""
    table = Table(options.suppress_below)
    _add_main(table, rows, due_not_held, options)
    dimensions = {
        "quarter": {p.label: [r for r in rows if r.quarter == p.label] for p in periods},
        "age_band": _grouped(rows, lambda row: str(row.band), AGE_BANDS),
        # Stored as DfE codes; children stored before imports were checked are read alike.
        "gender": _grouped(rows, lambda row: codes.gender_group(row.gender), GENDERS),
    }
    for dimension, groups in dimensions.items():
        if not groups:
            continue  # no quarters asked for (the year before shows its main table only)
        for key, members in groups.items():
            _add_group(table, f"{dimension}/{key}", members, options)
        for name, whole in WHOLE.items():
            table.total(whole, [f"{dimension}/{key}/{name}" for key in groups])
    table.suppress()
    return KindFigures(
        metrics=_kind_metrics(table),
        trend=[
            QuarterMetrics.model_validate(
                {"quarter": p.label, **_group_metrics(table, f"quarter/{p.label}")}
            )
            for p in periods
        ],
        breakdowns=Breakdowns(
            **{
                dimension: {
                    key: GroupMetrics.model_validate(_group_metrics(table, f"{dimension}/{key}"))
                    for key in dimensions[dimension]
                }
                for dimension in ("age_band", "gender")
            }
        ),
    )
