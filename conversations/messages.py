"""The engine's own words (rejections, yes/no, summary), per locale with English as fallback.

Questions live in the flow files; only text that every flow shares lives here, in the
catalogue `conversations/locales/` (one YAML file per language).
"""

from __future__ import annotations

import functools
from pathlib import Path

from conversations.catalogue import DEFAULT_LOCALE, Catalogue

LOCALES = Path(__file__).parent / "locales"


@functools.cache
def catalogue() -> Catalogue:
    """The engine's words in every language, read on first use."""
    return Catalogue.load(LOCALES)


def localise(texts: dict[str, str], locale: str) -> str:
    """Pick the text for `locale`, falling back to English (which flow checks guarantee)."""
    return texts.get(locale) or texts[DEFAULT_LOCALE]


def message(key: str, locale: str, /, **values: object) -> str:
    """Return the engine message `key` in `locale`, with `values` filled in."""
    return catalogue().text(key, locale, **values)
