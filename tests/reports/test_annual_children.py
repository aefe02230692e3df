"""The children's tables of the annual report: a generated year imported through `mysay import`
comes back in every table exactly, on SQLite and PostgreSQL, and small numbers are withheld."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from matplotlib.patches import Rectangle
from openpyxl import load_workbook
from pydantic import ValidationError

from bot.settings import Settings
from feedback_reports import charts
from feedback_reports.participation_model import ParticipationReport
from tests.reports import annual_year
from tests.reports.helpers import cli_env, exposed
from tests.reports.test_participation import _participation
from tests.reports.test_printing import (
    A4_HEIGHT,
    CHROMIUM,
    PRINTABLE_WIDTH,
    SCREENSHOTS,
    needs_chromium,
)
from tests.support import mysay

PERIOD = ("--from", annual_year.START.isoformat(), "--to", annual_year.END.isoformat())
IMPORTS = ("children", "care-episodes", "plans", "allocations", "challenges")
IRO_NAMES = {"iro_a": "Asha Patel", "iro_b": "Ben Jones", "iro_c": "Cara Lee"}


def _database_with_iros(settings: Settings, tmp_path: Path) -> dict[str, str]:
    """A fresh database with the year's IROs added through the CLI; the CLI's environment."""
    env = cli_env(settings, tmp_path)
    assert mysay("db", "upgrade", env=env).exit_code == 0
    for username, name in IRO_NAMES.items():
        added = mysay(
            "staff", "add", "--username", username, "--name", name, "--role", "iro", env=env
        )
        assert added.exit_code == 0, added.output
    return env


@pytest.fixture
def children_year(settings: Settings, tmp_path: Path) -> tuple[dict[str, str], annual_year.Year]:
    """The generated year imported through the CLI, file by file, as an operator would."""
    env = _database_with_iros(settings, tmp_path)
    year = annual_year.generate()
    for command, text in annual_year.files(year).items():
        path = tmp_path / f"{command}.csv"
        path.write_text(text, encoding="utf-8")
        result = mysay("import", command, str(path), env=env)
        assert result.exit_code == 0, result.output
        assert " 0 created" not in result.output, result.output
    return env, year


def test_every_childrens_table_of_a_generated_year_round_trips_exactly(
    children_year: tuple[dict[str, str], annual_year.Year],
) -> None:
    env, year = children_year
    data = json.loads(_participation(env, *PERIOD, "--suppress-below", "1"))
    wanted = annual_year.expected(year, IRO_NAMES)
    found = data["children"]
    for section in wanted:
        assert found[section] == wanted[section], section
    # The year before, counted the same way for the report's "a year before" column.
    before = annual_year.expected(
        year, IRO_NAMES, date(2024, 4, 1), annual_year.START - timedelta(days=1)
    )
    assert data["previous"]["children"] == before
    assert before["in_care"]["on_date"]["children"] > 10
    # The year is big enough that every table has something in it to get wrong.
    assert wanted["in_care"]["on_date"]["children"] > 20
    assert wanted["on_plan"]["started"]["children"] > 5
    assert 0 < wanted["plans"]["repeat"]["count"] < wanted["plans"]["started"]
    assert wanted["plans"]["open_lasting_over"]["15"]["count"] > 0
    assert wanted["plans"]["ended_lasting_over"]["24"]["count"] > 0
    assert wanted["caseloads"]["year_before"] > 0
    assert wanted["challenges"]["resolved_in_timescale"]["count"] > 0


def test_importing_the_same_files_again_changes_nothing(
    children_year: tuple[dict[str, str], annual_year.Year], tmp_path: Path
) -> None:
    env, year = children_year
    before = _participation(env, *PERIOD, "--suppress-below", "1")
    for command, text in annual_year.files(year, seed=9).items():
        path = tmp_path / f"again-{command}.csv"
        path.write_text(text, encoding="utf-8")
        result = mysay("import", command, str(path), env=env)
        assert result.exit_code == 0 and " 0 created, 0 updated" in result.output, result.output
    after = _participation(env, *PERIOD, "--suppress-below", "1")
    assert json.loads(after)["children"] == json.loads(before)["children"]


def _small_counts(value: Any) -> list[int]:
    """Every printed count from 1 to 4 (rates' percentages are not counts)."""
    if isinstance(value, dict):
        return [n for key, inner in value.items() if key != "pct" for n in _small_counts(inner)]
    if isinstance(value, list):
        return [n for inner in value for n in _small_counts(inner)]
    return [value] if type(value) is int and 0 < value < 5 else []


def test_small_numbers_are_withheld_in_every_childrens_table(
    children_year: tuple[dict[str, str], annual_year.Year],
) -> None:
    env, _ = children_year
    children = json.loads(_participation(env, *PERIOD))["children"]
    caseloads = children.pop("caseloads")  # an IRO's count says nothing about a child
    children.pop("challenges").pop("stage_days")  # the setting, not a count
    assert _small_counts(children) == []
    assert "[c]" in json.dumps(children)
    # No withheld cell can be worked out from a published total and its other groups.
    for population in ("in_care", "on_plan"):
        for flow in ("on_date", "started", "ended"):
            table = children[population][flow]
            cells: dict[str, object] = {"children": table["children"]}
            sums = []
            for dimension in ("gender", "ethnicity", "legal_status", "age_band"):
                cells |= {f"{dimension}/{g}": n for g, n in table[dimension].items()}
                sums.append(("children", [f"{dimension}/{g}" for g in table[dimension]]))
            assert exposed(cells, sums) == set(), (population, flow)
    # Zeros are shown: "none" identifies nobody.
    assert children["in_care"]["on_date"]["age_band"]["unknown"] in (0, "[c]")
    assert caseloads["children"] > 0


def test_every_childrens_table_is_a_sheet_with_the_figures_of_the_json(
    children_year: tuple[dict[str, str], annual_year.Year], tmp_path: Path
) -> None:
    env, _ = children_year
    children = json.loads(_participation(env, *PERIOD, "--suppress-below", "1"))["children"]
    sheets = _workbook(env, tmp_path, "--suppress-below", "1")
    for sheet, population in (("Children in care", "in_care"), ("Children on a plan", "on_plan")):
        rows = sheets[sheet][2:]
        flows = [children[population][flow] for flow in ("on_date", "started", "ended")]
        assert rows[0] == ["All children", None, *(flow["children"] for flow in flows)]
        gender_rows = [row for row in rows if row[0] == "Gender"]
        assert [row[1] for row in gender_rows[:2]] == ["Male", "Female"]
        assert [row[2:] for row in gender_rows] == [
            [flow["gender"][group] for flow in flows] for group in flows[0]["gender"]
        ]
        ages = {row[1]: row[2:] for row in rows if row[0] == "Age"}
        assert ages["10 to 15"] == [flow["age_band"]["10_15"] for flow in flows]
    before = json.loads(_participation(env, *PERIOD, "--suppress-below", "1"))["previous"]
    yearly = {row[0]: row[1:] for row in sheets["Children, year on year"][2:]}
    assert yearly["Children in care on the last day"] == [
        children["in_care"]["on_date"]["children"],
        None,
        None,
        before["children"]["in_care"]["on_date"]["children"],
        None,
        None,
    ]
    timely = before["children"]["challenges"]["resolved_in_timescale"]
    assert yearly["Resolved within the local timescale"][3:] == list(timely.values())
    plans = {(row[0], row[1]): row[2:] for row in sheets["Protection plans"][2:]}
    repeat = children["plans"]["repeat"]
    assert plans[("Repeat plans (second or later)", None)] == list(repeat.values())
    over = children["plans"]["ended_lasting_over"]["18"]
    assert plans[("Ended in the period, lasting over", "18 months")] == list(over.values())
    caseloads = sheets["IRO caseloads"][2:]
    assert caseloads[-1][0].startswith("From the IRO allocations imported")
    assert caseloads[:-3] == [
        [row["iro"], row["children"], row["year_before"]]
        for row in children["caseloads"]["per_iro"]
    ]
    found = {(row[0], row[1]): row[2:] for row in sheets["Challenges"][2:]}
    assert (
        found[("By highest stage reached", "Formal stage 2")][0]
        == (children["challenges"]["by_stage_reached"]["formal2"])
    )
    timely = children["challenges"]["resolved_in_timescale"]
    assert found[("Resolved within the local timescale", None)] == list(timely.values())


def _workbook(env: dict[str, str], tmp_path: Path, *args: str) -> dict[str, list[list[Any]]]:
    out = tmp_path / "annual.xlsx"
    _participation(env, *PERIOD, *args, "--format", "xlsx", "--out", str(out))
    book = load_workbook(out)
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


@pytest.mark.parametrize(
    ("command", "text", "problems"),
    [
        (
            "care-episodes",
            "case_ref,started_on,ended_on,legal_status\n"
            "k1,2024-01-10,2024-03-01,C2\n"
            "K1,01/02/2024,,care order\n"
            "K2,2024-05-01,2024-04-01,V2\n"
            "K2,2030-01-01,,V2\n"
            "K3,2024-01-01,,full\n"
            "K1,2019-01-01,2019-02-01,C2\n",
            [
                "line 3, column started_on: overlaps another care episode of the same child: "
                "the one starting 2024-02-01 overlaps the one before it, which ran from "
                "2024-01-10 to 2024-03-01",
                "line 4, column ended_on: is before started_on (2024-05-01)",
                "line 5, column started_on: 2030-01-01 is in the future",
                "line 6, column legal_status: 'full' is not one of C1",
                "line 6, column case_ref: no such child",
                "line 7, column started_on: is before the child was born (2020-01-01)",
            ],
        ),
        (
            "plans",
            "case_ref,started_on,ended_on,category\n"
            "K1,2024-01-10,,bullying\n"
            "K1,2024-01-10,,neglect\n"
            "K1,2024-01-10,,neglect\n",
            [
                "line 2, column category: 'bullying' is not one of neglect",
                "line 4, column case_ref: the same plan as line 3",
            ],
        ),
        (
            "allocations",
            "case_ref,iro_username,started_on,ended_on\nK1,,2024-01-10,\nK2,nobody,2024-01-10,\n",
            [
                "line 2, column iro_username: is required",
                "line 3, column iro_username: no such staff member 'nobody'",
            ],
        ),
        (
            "challenges",
            "case_ref,iro_username,raised_on,category,stage,resolved_on,outcome\n"
            "K1,iro_a,2024-01-10,drift & delay,formal 4,2024-01-01,sorted\n",
            [
                "line 2, column stage: 'formal 4' is not one of informal",
                "line 2, column outcome: 'sorted' is not one of resolved",
            ],
        ),
    ],
)
def test_a_bad_row_is_refused_by_line_and_column_and_nothing_is_imported(
    settings: Settings, tmp_path: Path, command: str, text: str, problems: list[str]
) -> None:
    env = cli_env(settings, tmp_path)
    assert mysay("db", "upgrade", env=env).exit_code == 0
    mysay("staff", "add", "--username", "iro_a", "--name", "A", "--role", "iro", env=env)
    children = tmp_path / "children.csv"
    children.write_text(
        "case_ref,birth_date,gender,ethnicity,legal_status,iro_username\n"
        "K1,2020-01-01,,,,\nK2,2018-01-01,,,,\n",
        encoding="utf-8",
    )
    assert mysay("import", "children", str(children), env=env).exit_code == 0
    path = tmp_path / f"{command}.csv"
    path.write_text(text, encoding="utf-8")
    result = mysay("import", command, str(path), env=env)
    assert result.exit_code == 1 and "nothing was imported" in result.output, result.output
    reported = [line.split(": ", 1)[1] for line in result.output.splitlines() if "line " in line]
    assert len(reported) == len(problems), reported
    for found, wanted in zip(reported, problems, strict=True):
        assert found.startswith(wanted), (found, wanted)
    data = json.loads(_participation(env, "--from", "2024-01-01", "--to", "2024-12-31"))
    assert data["children"]["in_care"]["started"]["children"] == 0
    assert data["children"]["plans"]["started"] == 0


@needs_chromium
def test_the_childrens_tables_print_on_a4(
    children_year: tuple[dict[str, str], annual_year.Year], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    env, _ = children_year
    out = tmp_path / "annual.html"
    _participation(env, *PERIOD, "--format", "html", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    for words in ("Children in care", "Child protection plans", "IRO caseloads", "A year before"):
        assert words in html, words
    assert "WBRI" not in html and "formal2" not in html  # readers see words, not codes
    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / "annual_children.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": PRINTABLE_WIDTH, "height": A4_HEIGHT})
            page.emulate_media(media="print")
            page.goto(out.as_uri())
            section = page.locator("section.children")
            tables = section.evaluate(
                """s => [...s.querySelectorAll('table')].map(t => ({
                    rows: t.rows.length, right: t.getBoundingClientRect().right,
                    height: t.getBoundingClientRect().height}))"""
            )
            drawn = section.locator("img.chart").evaluate_all(
                """found => found.map(i => ({loaded: i.complete && i.naturalWidth > 0,
                    right: i.getBoundingClientRect().right}))"""
            )
            section.screenshot(path=str(shot))
            pdf = page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    # The year on year; per population: all children, then gender, ethnicity, legal status
    # and age; then two tables of plans, the caseloads and two of challenges.
    assert len(tables) == 1 + 2 * 5 + 5
    for table in tables:
        assert table["rows"] >= 2 and table["height"] > 0, table
        assert table["right"] <= PRINTABLE_WIDTH, table
    assert len(drawn) == 3  # the children, the plans and the challenges
    for chart in drawn:
        assert chart["loaded"] and chart["right"] <= PRINTABLE_WIDTH
    assert pdf.startswith(b"%PDF") and shot.stat().st_size > 0


def test_the_childrens_chart_draws_each_count_beside_a_year_before(
    children_year: tuple[dict[str, str], annual_year.Year],
) -> None:
    env, _ = children_year
    data = json.loads(_participation(env, *PERIOD, "--suppress-below", "1"))
    report = ParticipationReport.model_validate(data)
    axes = charts.children(report).axes[0]
    low, high = axes.get_ylim()
    heights = [bar.get_height() for bar in axes.patches if isinstance(bar, Rectangle)]
    now, before = data["children"], data["previous"]["children"]
    wanted = [
        source[population][flow]["children"]
        for source in (now, before)
        for population, flow, _ in charts.CHILDREN_BARS
    ]
    assert heights == wanted and low == 0 and max(heights) <= high


def test_the_local_timescale_is_read_from_the_environment_and_checked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(
        "MYSAY_CHALLENGE_STAGE_DAYS", "informal=5, formal1=10,formal2=15,formal3=25"
    )
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert settings.challenge_stage_days == {
        "informal": 5,
        "formal1": 10,
        "formal2": 15,
        "formal3": 25,
    }
    for wrong, words in (
        ("informal=5,formal1=10", "for each of"),
        ("informal=5,formal1=ten,formal2=1,formal3=1", "expected stage=days"),
        ("informal=0,formal1=1,formal2=1,formal3=1", "1 or more"),
    ):
        monkeypatch.setenv("MYSAY_CHALLENGE_STAGE_DAYS", wrong)
        with pytest.raises(ValidationError, match=words):
            Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]


def test_without_allocations_caseloads_are_each_childs_iro_today_and_say_so(
    settings: Settings, tmp_path: Path
) -> None:
    env = _database_with_iros(settings, tmp_path)
    children = tmp_path / "children.csv"
    children.write_text(
        "case_ref,birth_date,gender,ethnicity,legal_status,iro_username\n"
        "N1,2015-01-01,,,,iro_a\nN2,2015-01-01,,,,iro_a\nN3,2015-01-01,,,,iro_b\nN4,,,,,\n",
        encoding="utf-8",
    )
    assert mysay("import", "children", str(children), env=env).exit_code == 0
    data = json.loads(_participation(env, *PERIOD))
    caseloads = data["children"]["caseloads"]
    assert caseloads["source"] == "children_iro_now" and caseloads["on"] is None
    assert caseloads["per_iro"] == [
        {"iro": "Asha Patel", "children": 2, "year_before": None},
        {"iro": "Ben Jones", "children": 1, "year_before": None},
    ]
    assert (caseloads["children"], caseloads["year_before"]) == (3, None)
    assert data["previous"]["children"]["caseloads"]["source"] == "none"
    page = _participation(env, *PERIOD, "--format", "html")
    assert "No IRO allocations have been imported, so these are the children each IRO" in page
    assert '<th scope="col">Children today</th>' in page
    headline = 'Children allocated to IROs on the last day</th><td class="num">'
    assert headline + "no allocations imported</td>" in page
    book = tmp_path / "annual.xlsx"
    _participation(env, *PERIOD, "--format", "xlsx", "--out", str(book))
    sheet = [[c.value for c in row] for row in load_workbook(book)["IRO caseloads"].iter_rows()]
    assert ["Asha Patel", 2, "no data"] in sheet
