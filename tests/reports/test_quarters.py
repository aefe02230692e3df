"""The report's quarters: of the financial year (April start) unless the service sets another."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.report import report
from bot.settings import Settings, SettingsError, load_settings
from feedback_reports.metrics_queries import quarters
from tests.reports.helpers import cli_env
from tests.support import mysay


def _labels(start: str, end: str, first_month: int = 4) -> list[str]:
    return [
        q.label for q in quarters(date.fromisoformat(start), date.fromisoformat(end), first_month)
    ]


def test_quarters_are_financial_year_quarters_by_default() -> None:
    found = quarters(date(2026, 1, 1), date(2026, 12, 31))
    assert [(q.label, q.start, q.end) for q in found] == [
        ("2025-26 Q4", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-27 Q1", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-27 Q2", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-27 Q3", date(2026, 10, 1), date(2026, 12, 31)),
    ]


def test_a_financial_year_has_four_quarters_from_april() -> None:
    assert _labels("2026-04-01", "2027-03-31") == [
        "2026-27 Q1",
        "2026-27 Q2",
        "2026-27 Q3",
        "2026-27 Q4",
    ]
    # The last quarter of 1999-00 starts in January 2000.
    assert _labels("1999-05-01", "2000-01-01")[-1] == "1999-00 Q4"


def test_calendar_and_other_years_are_a_setting_away() -> None:
    assert _labels("2026-02-10", "2026-08-01", 1) == ["2026 Q1", "2026 Q2", "2026 Q3"]
    found = quarters(date(2026, 9, 1), date(2027, 8, 31), 9)
    assert [(q.label, q.start, q.end) for q in found][:2] == [
        ("2026-27 Q1", date(2026, 9, 1), date(2026, 11, 30)),
        ("2026-27 Q2", date(2026, 12, 1), date(2027, 2, 28)),
    ]
    assert [q.label for q in found][2:] == ["2026-27 Q3", "2026-27 Q4"]


@pytest.fixture
def no_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where no .env file can leak into the settings under test."""
    monkeypatch.chdir(tmp_path)


@pytest.mark.usefixtures("no_dotenv")
def test_the_year_starts_in_april_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().report_year_start_month == 4
    monkeypatch.setenv("MYSAY_REPORT_YEAR_START_MONTH", "1")
    assert load_settings().report_year_start_month == 1
    monkeypatch.setenv("MYSAY_REPORT_YEAR_START_MONTH", "13")
    with pytest.raises(SettingsError, match="MYSAY_REPORT_YEAR_START_MONTH"):
        load_settings()


def test_the_report_uses_the_configured_quarters(settings: Settings, tmp_path: Path) -> None:
    env = cli_env(settings, tmp_path)
    assert mysay("db", "upgrade", env=env).exit_code == 0
    args = ["participation", "--from", "2026-01-01", "--to", "2026-06-30"]
    default = json.loads(CliRunner().invoke(report, args, env=env).output)
    assert [t["quarter"] for t in default["trend"]["cla_review"]] == ["2025-26 Q4", "2026-27 Q1"]
    assert default["options"]["year_start_month"] == 4
    calendar = CliRunner().invoke(report, args, env={**env, "MYSAY_REPORT_YEAR_START_MONTH": "1"})
    trend = json.loads(calendar.output)["trend"]["cla_review"]
    assert [t["quarter"] for t in trend] == ["2026 Q1", "2026 Q2"]
