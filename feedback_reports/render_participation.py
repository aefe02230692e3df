"""Renderers for a `ParticipationReport`: JSON, CSV (one figure per row) and HTML with charts.

A withheld count is "[c]" in every format; a percentage with nothing to divide by is null in
JSON, empty in CSV and "n/a" in HTML.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from feedback_reports import charts, children_words, labels
from feedback_reports.participation_model import ParticipationReport, Rate
from feedback_reports.spreadsheet import text_cell
from feedback_reports.suppression import WITHHELD
from feedback_reports.templating import environment

# The percentages of the main table, in reading order, with their names.
RATE_ROWS = tuple(labels.FIGURE_WORDS.items())


def as_json_data(report: ParticipationReport) -> dict[str, Any]:
    """Return the report as JSON-ready data, with `period` keyed `from` and `to`."""
    return report.model_dump(mode="json", by_alias=True)


def render_json(report: ParticipationReport) -> str:
    """Render the report as indented JSON."""
    return json.dumps(as_json_data(report), indent=2, ensure_ascii=False) + "\n"


def _flatten(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _flatten(inner, f"{path}.{index}")
    else:
        yield path, value


def render_csv(report: ParticipationReport) -> str:
    """Render every figure as a `measure,value` row (dotted paths, as in the JSON)."""
    data = as_json_data(report)
    data.pop("definitions")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["measure", "value"])
    for path, value in _flatten(data, ""):
        if value is None:
            writer.writerow([path, ""])
        elif value == WITHHELD or not isinstance(value, str):
            writer.writerow([path, value])
        else:
            writer.writerow([path, text_cell(value)])
    return buffer.getvalue()


def render_html(report: ParticipationReport) -> str:
    """Render a printable HTML report with embedded PNG charts and no external resources."""
    template = environment().get_template("participation.html.j2")

    def shown(value: Any) -> str:
        return "n/a" if value is None else str(value)

    def rate(value: Rate) -> str:
        """A percentage with its count and denominator: 54.5% (6 of 11)."""
        parts = f"({value.count} of {value.of})"
        if value.pct is None or value.pct == WITHHELD:
            return f"{shown(value.pct)} {parts}"
        return f"{value.pct}% {parts}"

    def figure(value: Rate | int | str) -> str:
        """A count as it is, a rate as its percentage with count and denominator."""
        return rate(value) if isinstance(value, Rate) else str(value)

    def target_words(field: str | None) -> str:
        target = None if field is None else report.options.targets.get(field)
        return "" if target is None else f" (target {target:g}%)"

    return template.render(
        report=report,
        rate_rows=RATE_ROWS,
        target_words=target_words,
        data=as_json_data(report),
        charts=charts.all_charts(report),
        kind_words=labels.KIND_WORDS,
        code_words=labels.CODE_ROW_WORDS,
        audience_words=labels.AUDIENCE_WORDS,
        theme_words=labels.THEME_WORDS,
        group_words=labels.group_words,
        words=children_words,
        figure=figure,
        shown=shown,
        rate=rate,
    )
