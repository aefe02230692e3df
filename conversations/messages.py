"""The engine's own words (rejections, yes/no, summary), per locale with English as fallback.

Questions live in the flow files; only text that every flow shares lives here, in the
catalogue `conversations/locales/` (one YAML file per language).
"""

from __future__ import annotations

import functools
import logging
from datetime import date
from pathlib import Path

from conversations.catalogue import DEFAULT_LOCALE, Catalogue
from conversations.languages import date_words

LOCALES = Path(__file__).parent / "locales"
# "On <weekday>", Monday first: each language's form of the weekday after "on" differs.
_ON_DAY_KEYS = (
    "on_day.monday",
    "on_day.tuesday",
    "on_day.wednesday",
    "on_day.thursday",
    "on_day.friday",
    "on_day.saturday",
    "on_day.sunday",
)

logger = logging.getLogger(__name__)
# (locale, English text) pairs already logged as shown in English: once each, not per message.
_fell_back: set[tuple[str, str]] = set()


@functools.cache
def catalogue() -> Catalogue:
    """The engine's words in every language, read on first use."""
    return Catalogue.load(LOCALES)


def localise(texts: dict[str, str], locale: str) -> str:
    """Pick the text for `locale`, falling back to English (which flow checks guarantee).

    A fallback is logged once per language and text, naming the text by its opening words
    (flow words, never a person's).
    """
    found = texts.get(locale)
    if found:
        return found
    english = texts[DEFAULT_LOCALE]
    if locale != DEFAULT_LOCALE and (locale, english) not in _fell_back:
        _fell_back.add((locale, english))
        logger.warning("no '%s' text for %r: shown in English", locale, english[:40])
    return english


def message(key: str, locale: str, /, **values: object) -> str:
    """Return the engine message `key` in `locale`, with `values` filled in."""
    return catalogue().text(key, locale, **values)


def on_day(day: date, locale: str) -> str:
    """'on Monday 7 December' as the language says it ('w środę 9 grudnia'): the weekday's
    form after "on" differs by language, so each is a catalogue entry of its own."""
    return message(_ON_DAY_KEYS[day.weekday()], locale, date=date_words(day, locale))
