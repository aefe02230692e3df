"""The participation report as a workbook: one sheet per table, withheld counts kept withheld."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli.report import report
from tests.reports.test_participation import QUOTE, _participation, year  # noqa: F401

PERIOD = ("--from", "2025-01-01", "--to", "2025-12-31")


def _workbook(env: dict[str, str], tmp_path: Path, *args: str) -> dict[str, list[list[Any]]]:
    out = tmp_path / "participation.xlsx"
    _participation(env, *PERIOD, *args, "--format", "xlsx", "--out", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # children's figures, the owner's alone
    book = load_workbook(io.BytesIO(out.read_bytes()))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    # Read back, a formula's value is its text, so only its type tells it from a quote.
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


def _rows(sheet: list[list[Any]]) -> dict[str, list[Any]]:
    """A sheet's rows below its title and heading, keyed by their first cell."""
    return {row[0]: row[1:] for row in sheet[2:]}


def test_every_table_is_a_sheet_with_the_figures_of_the_json(
    year: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    sheets = _workbook(year, tmp_path, "--suppress-below", "1")
    assert list(sheets) == [
        "Meetings",
        "Trend, LAC reviews",
        "Trend, ICPCs",
        "Trend, RCPCs",
        "By age, LAC reviews",
        "By gender, LAC reviews",
        "By age, ICPCs",
        "By gender, ICPCs",
        "By age, RCPCs",
        "By gender, RCPCs",
        "Children, year on year",
        "Children in care",
        "Children on a plan",
        "Protection plans",
        "IRO caseloads",
        "Challenges",
        "Invitations",
        "Feedback",
        "Quotes",
        "Definitions",
    ]
    data = json.loads(_participation(year, *PERIOD, "--suppress-below", "1"))
    meetings = _rows(sheets["Meetings"])
    cla, icpc = data["cla_review"], data["icpc"]
    assert meetings["Meetings held"][0] == cla["held"] == 12
    assert meetings["Attended (PN1-PN4)"][:3] == list(cla["attended"].values())
    assert meetings["Attended (PN1-PN4)"][6:9] == list(icpc["attended"].values())
    # Each kind of meeting, then the same period a year before.
    assert sheets["Meetings"][1][1:7] == [
        "Looked-after reviews",
        "Out of",
        "%",
        "Looked-after reviews, a year before",
        "Out of",
        "%",
    ]
    assert meetings["Attended (PN1-PN4)"][3:6] == list(
        data["previous"]["cla_review"]["attended"].values()
    )
    quarter = data["trend"]["cla_review"][2]
    assert _rows(sheets["Trend, LAC reviews"])[quarter["quarter"]][:5] == [
        quarter["held"],
        quarter["participation_not_recorded"],
        *quarter["attended"].values(),
    ]
    assert sheets["Meetings"][0][0] == "Meetings: meetings held from 2025-01-01 to 2025-12-31"
    terms = _rows(sheets["Definitions"])
    assert [[term] + terms[term] for term in terms] == [
        [d["term"], d["meaning"]] for d in data["definitions"]
    ]


def test_withheld_counts_stay_withheld_and_words_are_never_formulas(
    year: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    sheets = _workbook(year, tmp_path)
    meetings = _rows(sheets["Meetings"])
    assert meetings["Meetings held"][0] == 12 and meetings["Meetings held"][6] == "[c]"
    assert meetings["PN6: Did not attend, but conveyed their views another way"][0] == "[c]"
    # Outside the families' feedback (answers, shown in full), no count from 1 to 4 shows.
    for name, sheet in sheets.items():
        if name in ("Feedback", "Quotes", "Definitions"):
            continue
        small = [v for row in sheet for v in row if type(v) is int and 0 < v < 5]
        assert small == [], name
    assert sheets["Quotes"][2] == ["A parent or carer", QUOTE]  # as typed, never a formula


def test_a_workbook_needs_a_file(year: dict[str, str]) -> None:  # noqa: F811
    result = CliRunner().invoke(report, ["participation", *PERIOD, "--format", "xlsx"], env=year)
    assert result.exit_code == 2 and "--out" in result.output
