"""The participation report as an XLSX workbook (openpyxl): one sheet per table.

Counts are numbers and percentages are numbers (to one place), so a manager can chart and
sum them; a withheld count stays the text "[c]" and a percentage with nothing to divide by
stays empty, as in the CSV. People's words are always text cells: openpyxl would store a
string that starts with "=" as a formula, so every text cell is typed as a string.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from feedback_reports import labels
from feedback_reports.children_workbook import children_tables
from feedback_reports.participation_model import (
    Count,
    GroupMetrics,
    KindMetrics,
    ParticipationReport,
    Rate,
)
from feedback_reports.render_participation import RATE_ROWS

Table = tuple[list[str], list[list[Any]]]
# Sheet names are at most 31 characters in Excel.
SHEET_NAME_LIMIT = 31
GROUP_RATES = (
    ("attended", "Attended"),
    ("conveyed_without_attending", "Conveyed without attending"),
    ("not_conveyed", "Not conveyed"),
    ("views_via_bot", "Views via My Say"),
)
SHORT_KIND = {"cla_review": "LAC reviews", "icpc": "ICPCs", "rcpc": "RCPCs"}


def _rate_cells(rate: Rate) -> list[Any]:
    return [rate.count, rate.of, rate.pct]


def _rate_headings(title: str) -> list[str]:
    return [title, f"{title}: out of", f"{title}: %"]


def _pn(code: str, metrics: KindMetrics) -> Count:
    return metrics.pn[code]


def meetings_table(report: ParticipationReport) -> Table:
    """Each figure of the main table as a row, in columns of count, out of and %.

    Per kind of meeting: this period, then the same period a year before if the report has it.
    """
    columns: list[tuple[str, KindMetrics]] = []
    for kind, metrics in report.kinds().items():
        columns.append((f"{labels.KIND_WORDS[kind]}s", metrics))
        if report.previous is not None:
            none = "" if report.previous.has_meetings else " (no data for that year)"
            columns.append(
                (f"{labels.KIND_WORDS[kind]}s, a year before{none}", report.previous.kinds()[kind])
            )
    heading = ["Measure"]
    for title, _ in columns:
        heading += [title, "Out of", "%"]

    def counts(title: str, value: Callable[[KindMetrics], Count]) -> list[Any]:
        return [title, *(c for _, m in columns for c in (value(m), None, None))]

    rows: list[list[Any]] = [
        counts("Meetings held", lambda m: m.held),
        counts("Due, not held", lambda m: m.due_not_held),
    ]
    for field, title in RATE_ROWS:
        rows.append([title, *(c for _, m in columns for c in _rate_cells(getattr(m, field)))])
    rows.append(counts("Seen before: not recorded", lambda m: m.seen_before_not_recorded))
    for code in report.cla_review.pn:
        rows.append(counts(labels.CODE_ROW_WORDS.get(code, code), partial(_pn, code)))
    return heading, rows


def _group_row(name: str, metrics: GroupMetrics) -> list[Any]:
    row: list[Any] = [name, metrics.held, metrics.participation_not_recorded]
    for field, _ in GROUP_RATES:
        row += _rate_cells(getattr(metrics, field))
    return row


def _group_heading(first: str) -> list[str]:
    heading = [first, "Held", "No code recorded"]
    for _, title in GROUP_RATES:
        heading += _rate_headings(title)
    return heading


def trend_table(report: ParticipationReport, kind: str) -> Table:
    rows = [_group_row(row.quarter, row) for row in report.trend[kind]]
    return _group_heading("Quarter"), rows


def breakdown_table(report: ParticipationReport, kind: str, dimension: str) -> Table:
    groups: dict[str, GroupMetrics] = getattr(report.breakdowns[kind], dimension)
    rows = [_group_row(labels.group_words(dimension, key), m) for key, m in groups.items()]
    first = "Age band at the meeting" if dimension == "age_band" else "Gender"
    return _group_heading(first), rows


def funnel_table(report: ParticipationReport) -> Table:
    stages = ("invited", "joined", "started", "sent")
    rows: list[list[Any]] = [
        [labels.AUDIENCE_WORDS.get(role, role), *(getattr(counts, s) for s in stages)]
        for role, counts in report.funnel.by_audience.items()
    ]
    rows += [
        [
            f"Children: {labels.group_words('age_band', band).lower()}",
            *(getattr(counts, s) for s in stages),
        ]
        for band, counts in report.funnel.by_age_band.items()
    ]
    return ["Who", "Invited", "Joined", "Started", "Sent"], rows


def feedback_table(report: ParticipationReport) -> Table:
    rows: list[list[Any]] = []
    for question in report.feedback.questions.values():
        rows += [
            [question.question, option.label, option.count, question.answered, option.pct]
            for option in question.options.values()
        ]
    return ["Question", "Answer", "Count", "Out of", "%"], rows


def quotes_table(report: ParticipationReport) -> Table:
    rows = [["A child", quote] for quote in report.children_quotes]
    rows += [["A parent or carer", quote] for quote in report.feedback.quotes]
    return ["From", "In their own words (quoted with permission, without names)"], rows


def definitions_table(report: ParticipationReport) -> Table:
    return ["Term", "Meaning"], [[d.term, d.meaning] for d in report.definitions]


def tables(report: ParticipationReport) -> Iterator[tuple[str, Table]]:
    """Every table of the report, named as its sheet."""
    yield "Meetings", meetings_table(report)
    for kind in report.kinds():
        yield f"Trend, {SHORT_KIND[kind]}", trend_table(report, kind)
    for kind in report.kinds():
        yield f"By age, {SHORT_KIND[kind]}", breakdown_table(report, kind, "age_band")
        yield f"By gender, {SHORT_KIND[kind]}", breakdown_table(report, kind, "gender")
    before = report.previous.children if report.previous else None
    yield from children_tables(report.children, before)
    yield "Invitations", funnel_table(report)
    yield "Feedback", feedback_table(report)
    yield "Quotes", quotes_table(report)
    yield "Definitions", definitions_table(report)


def _typed(sheet: Worksheet, row: Sequence[Any]) -> list[Cell]:
    cells = []
    for value in row:
        cell = Cell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever it starts with
        cells.append(cell)
    return cells


def render_xlsx(report: ParticipationReport) -> bytes:
    """Render the report as an XLSX workbook, one sheet per table, with the period on each."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    period = f"{report.period.start} to {report.period.end}"
    for name, (heading, rows) in tables(report):
        sheet = workbook.create_sheet(name[:SHEET_NAME_LIMIT])
        sheet.append(_typed(sheet, [f"{name}: meetings held from {period}"]))
        sheet.append(_typed(sheet, heading))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(_typed(sheet, row))
        sheet.freeze_panes = "B3"
        sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
