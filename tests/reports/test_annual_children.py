"""The children's tables of the annual report: a generated year imported through `mysay import`
comes back in every table exactly, on SQLite and PostgreSQL, and small numbers are withheld."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from tests.reports import annual_year
from tests.reports.helpers import cli_env
from tests.reports.test_participation import _participation
from tests.support import mysay

PERIOD = ("--from", annual_year.START.isoformat(), "--to", annual_year.END.isoformat())
IMPORTS = ("children", "care-episodes", "plans", "allocations", "challenges")
IRO_NAMES = {"iro_a": "Asha Patel", "iro_b": "Ben Jones", "iro_c": "Cara Lee"}


@pytest.fixture
def children_year(settings: Settings, tmp_path: Path) -> tuple[dict[str, str], annual_year.Year]:
    """The generated year imported through the CLI, file by file, as an operator would."""
    env = cli_env(settings, tmp_path)
    assert mysay("db", "upgrade", env=env).exit_code == 0
    for username, name in IRO_NAMES.items():
        added = mysay(
            "staff", "add", "--username", username, "--name", name, "--role", "iro", env=env
        )
        assert added.exit_code == 0, added.output
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
    # Zeros are shown: "none" identifies nobody.
    assert children["in_care"]["on_date"]["age_band"]["unknown"] in (0, "[c]")
    assert caseloads["children"] > 0
