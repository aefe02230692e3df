"""MYSAY_LANGUAGES: which languages participants are offered; dates and names from Babel."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app.languages import offered, suggested
from bot.settings import Settings, SettingsError, load_settings
from conversations.languages import (
    TRANSLATED,
    date_words,
    day_words,
    direction,
    language_name,
    moment_words,
    native_name,
    number_words,
    supported,
)
from conversations.messages import on_day


def _languages(value: str) -> tuple[str, ...]:
    return Settings(languages=value, _env_file=None).languages  # type: ignore[call-arg]


def test_only_english_is_offered_until_a_language_is_listed() -> None:
    assert Settings(_env_file=None).languages == ("en",)  # type: ignore[call-arg]


def test_listed_languages_are_offered_english_always_and_first() -> None:
    assert _languages("ar, CY") == ("en", "cy", "ar")


def test_an_unknown_language_is_refused_with_the_known_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MYSAY_LANGUAGES", "en,fr")
    with pytest.raises(SettingsError, match="unknown language fr; known: en, cy, pl, uk, ar"):
        load_settings()


def test_the_phone_language_is_suggested_only_when_offered() -> None:
    languages = ("en", "cy", "pl")
    assert suggested(languages, "pl-PL") == "pl"
    assert suggested(languages, "uk") == "en"  # supported, not offered here
    assert suggested(languages, None) == "en"
    assert supported("cy_GB") == "cy" and supported("fr") is None


def test_the_chooser_names_each_language_in_itself_the_one_in_use_first() -> None:
    names = [(c.locale, c.name) for c in offered(("en", "cy", "uk", "ar"), "uk")]
    assert names == [("uk", "Українська"), ("en", "English"), ("cy", "Cymraeg"), ("ar", "العربية")]


def test_dates_and_names_are_worded_in_the_language() -> None:
    assert day_words(date(2026, 12, 7), "en") == "Monday 7 December"
    assert day_words(date(2026, 12, 7), "cy") == "Dydd Llun 7 Rhagfyr"
    assert day_words(date(2026, 12, 7), "pl") == "poniedziałek 7 grudnia"
    moment = datetime(2026, 12, 4, 18, 42, tzinfo=UTC)
    assert moment_words(moment, "en") == "Fri 4 Dec, 6:42 pm"
    assert moment_words(moment, "uk").endswith("18:42")
    assert language_name("pl") == "Polish" and language_name("pl", "cy") == "Pwyleg"
    assert (direction("ar"), direction("cy")) == ("rtl", "ltr")


def test_on_a_day_takes_the_form_each_language_gives_the_weekday_after_on() -> None:
    # Monday 7 December 2026 onwards: Babel names weekdays in one form only.
    week = [date(2026, 12, 7) + timedelta(days=n) for n in range(7)]
    assert on_day(week[0], "en") == "on Monday 7 December"
    assert on_day(week[0], "cy") == "ddydd Llun 7 Rhagfyr"
    assert on_day(week[1], "pl") == "we wtorek 8 grudnia"
    assert on_day(week[2], "pl") == "w środę 9 grudnia"
    assert on_day(week[4], "uk") == "у п'ятницю 11 грудня"
    assert on_day(week[6], "ar").startswith("يوم الأحد")
    for locale in TRANSLATED:
        phrases = [on_day(day, locale) for day in week]
        assert len(set(phrases)) == 7 and not any(p.startswith("on ") for p in phrases)


def test_english_written_without_babel_reads_as_babel_writes_it() -> None:
    from babel import Locale
    from babel.dates import format_date
    from babel.numbers import format_decimal

    days = [date(2027, 1, 1) + timedelta(days=n) for n in range(366)]
    assert [day_words(day, "en") for day in days] == [
        format_date(day, "EEEE d MMMM", locale="en") for day in days
    ]
    assert [date_words(day, "en") for day in days] == [
        format_date(day, "d MMMM", locale="en") for day in days
    ]
    numbers = [0, 7, -42, 999, 1000, -12_345, 1_234_567]
    assert [number_words(n, "en") for n in numbers] == [
        format_decimal(n, locale="en") for n in numbers
    ]
    english = Locale.parse("en")
    assert native_name("en") == language_name("en") == english.get_display_name("en")
    assert direction("en") == "ltr" and english.character_order == "left-to-right"
