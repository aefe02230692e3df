"""Renderers for a `ParticipationReport`: JSON, CSV (one figure per row) and HTML with charts.

Breakdowns by age band and gender carry null where a small count was hidden; CSV and HTML
show that as "<5" so a reader knows the figure exists but is withheld.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from feedback_reports import charts, labels
from feedback_reports.participation import SUPPRESS_BELOW, ParticipationReport, Rate
from feedback_reports.spreadsheet import text_cell
from feedback_reports.templating import environment

HIDDEN = f"<{SUPPRESS_BELOW}"
# Sections where null means "hidden because small", not "nothing to divide by".
SUPPRESSED_SECTIONS = ("breakdowns", "funnel.by_age_band")


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


def _shown(path: str, value: Any) -> str:
    if value is None:
        return HIDDEN if path.startswith(SUPPRESSED_SECTIONS) else ""
    return str(value)


def render_csv(report: ParticipationReport) -> str:
    """Render every figure as a `measure,value` row (dotted paths, as in the JSON)."""
    data = as_json_data(report)
    data.pop("definitions")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["measure", "value"])
    for path, value in _flatten(data, ""):
        shown = _shown(path, value)
        writer.writerow([path, text_cell(shown) if isinstance(value, str) else shown])
    return buffer.getvalue()


def render_html(report: ParticipationReport) -> str:
    """Render a printable HTML report with embedded PNG charts and no external resources."""
    template = environment().get_template("participation.html.j2")

    def shown(value: Any, hidden: bool = False) -> str:
        if value is None:
            return HIDDEN if hidden else "n/a"
        return str(value)

    def rate(value: Rate, hidden: bool = False) -> str:
        """A percentage with its count and denominator: 54.5% (6 of 11)."""
        parts = f"({shown(value.count, hidden)} of {shown(value.of, hidden)})"
        if value.pct is None:
            return f"n/a {parts}" if value.of == 0 else parts
        return f"{value.pct}% {parts}"

    return template.render(
        report=report,
        data=as_json_data(report),
        charts=charts.all_charts(report),
        kind_words=labels.KIND_WORDS,
        age_band_words=labels.AGE_BAND_WORDS,
        code_words=labels.CODE_ROW_WORDS,
        shown=shown,
        rate=rate,
    )
