"""MYSAY_REMINDER_DAYS: read as operators write it, refused with a reason when malformed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def no_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where no .env file can leak into the settings under test."""
    monkeypatch.chdir(tmp_path)


def test_reminder_days_default_to_ten_and_three() -> None:
    assert load_settings().reminder_days == (10, 3)


def test_reminder_days_are_read_from_a_comma_list_largest_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MYSAY_REMINDER_DAYS", "3, 14,7")
    assert load_settings().reminder_days == (14, 7, 3)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "at least one number of days"),
        ("ten", "whole numbers of days separated by commas"),
        ("[10, 3]", "whole numbers of days separated by commas"),
        ("0,3", "from 1 to 60"),
        ("90", "from 1 to 60"),
        ("3,3", "repeated"),
    ],
)
def test_malformed_reminder_days_name_the_setting_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, value: str, reason: str
) -> None:
    monkeypatch.setenv("MYSAY_REMINDER_DAYS", value)
    with pytest.raises(SettingsError, match="MYSAY_REMINDER_DAYS") as raised:
        load_settings()
    assert reason in str(raised.value)
