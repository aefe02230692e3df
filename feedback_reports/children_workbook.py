"""The children's tables as workbook sheets (render_workbook writes them), one per table.

Rows and words come from the same model and words as the HTML; counts stay numbers and a
withheld count stays the text "[c]".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from feedback_reports import children_words as words
from feedback_reports.children_model import DIMENSIONS, ChildrenFigures, Population
from feedback_reports.figures import Count, Rate

Table = tuple[list[str], list[list[Any]]]
FLOWS = ("on_date", "started", "ended")


def _rate(rate: Rate) -> list[Any]:
    return [rate.count, rate.of, rate.pct]


def population_table(population: Population) -> Table:
    heading = ["Characteristic", "Group", *(words.TABLE_WORDS[flow] for flow in FLOWS)]
    rows: list[list[Any]] = [
        ["All children", "", *(getattr(population, flow).children for flow in FLOWS)]
    ]
    for dimension in DIMENSIONS:
        groups: dict[str, Any] = getattr(population.on_date, dimension)
        rows += [
            [
                words.DIMENSION_WORDS[dimension],
                words.group_words(dimension, group),
                *(getattr(getattr(population, flow), dimension)[group] for flow in FLOWS),
            ]
            for group in groups
        ]
    return heading, rows


def plans_table(children: ChildrenFigures) -> Table:
    plans = children.plans
    rows: list[list[Any]] = [["Plans started", "", plans.started, None, None]]
    rows += [
        ["Started, by category", words.PLAN_CATEGORY_WORDS[c], *_rate(r)]
        for c, r in plans.started_by_category.items()
    ]
    rows += [
        ["Open on the last day, by category", words.PLAN_CATEGORY_WORDS[c], *_rate(r)]
        for c, r in plans.open_by_category.items()
    ]
    rows.append(["Repeat plans (second or later)", "", *_rate(plans.repeat)])
    rows += [
        ["Ended in the period, lasting over", f"{m} months", *_rate(r)]
        for m, r in plans.ended_lasting_over.items()
    ]
    rows += [
        ["Open on the last day, lasting over", f"{m} months", *_rate(r)]
        for m, r in plans.open_lasting_over.items()
    ]
    return ["Measure", "Group", "Plans", "Out of", "%"], rows


def caseloads_table(children: ChildrenFigures) -> Table:
    caseloads = children.caseloads
    if caseloads.source == "none":
        return ["IRO caseloads"], [[words.caseload_source(caseloads)]]

    def before(value: Any) -> Any:
        return words.NO_DATA if caseloads.year_before is None else value

    rows: list[list[Any]] = [[r.iro, r.children, before(r.year_before)] for r in caseloads.per_iro]
    rows.append(["All IROs", caseloads.children, before(caseloads.year_before)])
    rows.append(
        [
            "Mean per IRO with children",
            caseloads.mean_per_iro,
            before(caseloads.mean_per_iro_year_before),
        ]
    )
    rows.append([words.caseload_source(caseloads)])
    return [
        "IRO",
        words.caseload_heading(caseloads),
        f"A year before ({caseloads.year_before_on})",
    ], rows


def challenges_table(children: ChildrenFigures) -> Table:
    found = children.challenges
    rows: list[list[Any]] = [["Raised in the period", "", found.raised, None, None]]
    rows += [
        ["By category", words.CHALLENGE_CATEGORY_WORDS[c], n, None, None]
        for c, n in found.by_category.items()
    ]
    rows += [
        ["By highest stage reached", words.STAGE_WORDS[s], n, None, None]
        for s, n in found.by_stage_reached.items()
    ]
    rows.append(["Resolved", "", *_rate(found.resolved)])
    rows.append(["Resolved within the local timescale", "", *_rate(found.resolved_in_timescale)])
    rows += [
        ["Days allowed", words.STAGE_WORDS[s], days, None, None]
        for s, days in found.stage_days.items()
    ]
    return ["Measure", "Group", "Count", "Out of", "%"], rows


def year_on_year_table(children: ChildrenFigures, before: ChildrenFigures | None) -> Table:
    heading = ["Figure", "This period", "Out of", "%"]
    if before is not None:
        heading += ["A year before", "Out of", "%"]
    rows = []
    for title, _target, now, then in words.headlines(children, before):
        row = [title, *_cells(now)]
        if then is not None:
            row += _cells(then)
        rows.append(row)
    return heading, rows


def _cells(value: Count | Rate | str) -> list[Any]:
    return _rate(value) if isinstance(value, Rate) else [value, None, None]


def children_tables(
    children: ChildrenFigures | None, before: ChildrenFigures | None
) -> Iterator[tuple[str, Table]]:
    """The children's sheets, none when the report has no children's figures."""
    if children is None:
        return
    yield "Children, year on year", year_on_year_table(children, before)
    yield "Children in care", population_table(children.in_care)
    yield "Children on a plan", population_table(children.on_plan)
    yield "Protection plans", plans_table(children)
    yield "IRO caseloads", caseloads_table(children)
    yield "Challenges", challenges_table(children)
