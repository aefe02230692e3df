"""The languages My Say can speak, their names, their direction, and dates and numbers in them.

Which of these a service offers its participants is a setting (`MYSAY_LANGUAGES`): a
language stays hidden until a fluent speaker has reviewed it and the service lists it.
Names, directions and date words come from Babel's CLDR data, shipped with it, so no
language needs its own name or month names translated by hand. English, the default and
often the only language a service offers, is written with the standard library instead:
Babel and its data for one language would hold about 4 MiB of the bot's memory for good,
and English needs none of it (tests/languages checks both read the same).
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import TYPE_CHECKING

from conversations.catalogue import DEFAULT_LOCALE

if TYPE_CHECKING:
    from babel import Locale

# English first: the source and the fallback. Every other one is translated in full.
SUPPORTED: tuple[str, ...] = (DEFAULT_LOCALE, "cy", "pl", "uk", "ar")
TRANSLATED: tuple[str, ...] = SUPPORTED[1:]
# English's name in English, as Babel gives it.
ENGLISH = "English"


def supported(code: str | None) -> str | None:
    """The supported language a code such as Telegram's `language_code` names ("pl-PL" is
    Polish), or None."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED else None


@functools.cache
def _locale(code: str) -> Locale:
    from babel import Locale

    return Locale.parse(code)


def native_name(code: str) -> str:
    """The language's name in itself ("Cymraeg", "Polski"): what a chooser button says."""
    if code == DEFAULT_LOCALE:
        return ENGLISH
    name = _locale(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def language_name(code: str, reader: str = DEFAULT_LOCALE) -> str:
    """The language's name in the reader's language ("Polish"; for a Welsh reader "Pwyleg")."""
    if code == reader == DEFAULT_LOCALE:
        return ENGLISH
    return _locale(code).get_display_name(reader) or code


def direction(code: str) -> str:
    """'rtl' for a language written right to left (Arabic), else 'ltr': an HTML `dir`."""
    if code == DEFAULT_LOCALE:
        return "ltr"
    return "rtl" if _locale(code).character_order == "right-to-left" else "ltr"


def day_words(day: date, locale: str = DEFAULT_LOCALE) -> str:
    """'Monday 7 December' (Welsh: 'Dydd Llun 7 Rhagfyr'): a meeting's day as a child reads it."""
    if locale == DEFAULT_LOCALE:
        return f"{day:%A} {day.day} {day:%B}"
    from babel.dates import format_date

    return format_date(day, "EEEE d MMMM", locale=locale)


def moment_words(moment: datetime, locale: str = DEFAULT_LOCALE) -> str:
    """'Fri 4 Dec, 6:42 pm' (a 24-hour clock where the language uses one), already local."""
    if locale == DEFAULT_LOCALE:
        # English staff read the 12-hour clock with a lower-case am/pm, the service's house style.
        hour = moment.hour % 12 or 12
        half = "am" if moment.hour < 12 else "pm"
        return f"{moment:%a} {moment.day} {moment:%b}, {hour}:{moment:%M} {half}"
    from babel.dates import format_datetime

    return format_datetime(moment, "EEE d MMM, HH:mm", locale=locale)


def number_words(number: int, locale: str = DEFAULT_LOCALE) -> str:
    """A count with the language's grouping ("1,234"; in Polish "1234")."""
    if locale == DEFAULT_LOCALE:
        return f"{number:,}"
    from babel.numbers import format_decimal

    return format_decimal(number, locale=locale)


def date_words(day: date, locale: str = DEFAULT_LOCALE) -> str:
    """'1 December' (in Polish '1 grudnia'): a day this year, without its weekday."""
    if locale == DEFAULT_LOCALE:
        return f"{day.day} {day:%B}"
    from babel.dates import format_date

    return format_date(day, "d MMMM", locale=locale)
