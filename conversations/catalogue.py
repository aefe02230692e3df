"""Keyed messages per language, one YAML file each, with English as the source and fallback.

A catalogue is a folder: `en.yaml` holds every key in English, and each other language has
a file of its own whose entries say how far they can be trusted:

    messages:
      help_now:
        text: "..."
        status: machine    # or reviewed: checked by a fluent speaker

Messages name their placeholders in braces ("Change {number}"); a translation must use
exactly the English ones. A key a language lacks is shown in English and logged once per
language and key, so a missing translation is noticed without a line per message sent.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from conversations.yaml_files import read_yaml

logger = logging.getLogger(__name__)

DEFAULT_LOCALE = "en"
# How far a translation can be trusted; English, the source, is neither.
STATUSES = ("machine", "reviewed")
SOURCE = "source"


class CatalogueError(ValueError):
    """A catalogue file that cannot be used, or a lookup that does not fit its message."""


@dataclass(frozen=True)
class Translation:
    """One message in one language, and who vouches for it (`source` for English)."""

    text: str
    status: str


@dataclass(frozen=True)
class Coverage:
    """How much of the English catalogue a language translates, and how much is reviewed."""

    locale: str
    total: int
    reviewed: int
    machine: int
    missing: tuple[str, ...]

    @property
    def translated(self) -> int:
        """Keys with a translation of either status."""
        return self.reviewed + self.machine


def placeholders(text: str) -> frozenset[str]:
    """The names a message fills in: {day} and {due:%d/%m/%Y} give 'day' and 'due'."""
    names = set()
    for _, name, _, _ in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier():
            raise CatalogueError(f"placeholder {{{name}}} must be a plain name")
        names.add(name)
    return frozenset(names)


class Catalogue:
    """Every language's messages; look one up with `text(key, locale, **values)`."""

    def __init__(self, languages: Mapping[str, Mapping[str, Translation]]) -> None:
        if DEFAULT_LOCALE not in languages:
            raise CatalogueError(f"needs the source language '{DEFAULT_LOCALE}'")
        self._languages = {locale: dict(messages) for locale, messages in languages.items()}
        self._source = self._languages[DEFAULT_LOCALE]
        self._placeholders = {key: placeholders(t.text) for key, t in self._source.items()}
        for locale, messages in self._languages.items():
            self._check(locale, messages)
        # (locale, key) pairs already logged as shown in English.
        self._fell_back: set[tuple[str, str]] = set()

    @classmethod
    def load(cls, folder: Path) -> Catalogue:
        """Read `<locale>.yaml` for each language in `folder`."""
        return cls({path.stem: _read(path) for path in sorted(folder.glob("*.yaml"))})

    def _check(self, locale: str, messages: Mapping[str, Translation]) -> None:
        for key, translation in messages.items():
            where = f"{locale}.yaml, {key}"
            if key not in self._source:
                raise CatalogueError(f"{where}: no such key in English")
            if placeholders(translation.text) != self._placeholders[key]:
                wanted = ", ".join(sorted(self._placeholders[key])) or "none"
                raise CatalogueError(f"{where}: placeholders must be the English ones: {wanted}")

    def keys(self) -> frozenset[str]:
        """Every key, as English has them."""
        return frozenset(self._source)

    def has(self, key: str) -> bool:
        """English has this key (so every language can show it)."""
        return key in self._source

    def locales(self) -> tuple[str, ...]:
        """The languages with a file, English first."""
        return (DEFAULT_LOCALE, *sorted(set(self._languages) - {DEFAULT_LOCALE}))

    def placeholders_of(self, key: str) -> frozenset[str]:
        """The names `key`'s message fills in."""
        return self._placeholders[key]

    def by_locale(self, key: str) -> dict[str, str]:
        """`key` in every language that has it: the shape flow files use for their text."""
        return {
            locale: messages[key].text
            for locale, messages in self._languages.items()
            if key in messages
        }

    def text(self, key: str, locale: str, /, **values: object) -> str:
        """`key` in `locale` (English if it has none) with `values` filled in."""
        if key not in self._source:
            raise KeyError(f"no message {key!r} in the catalogue")
        if set(values) != self._placeholders[key]:
            wanted = ", ".join(sorted(self._placeholders[key])) or "none"
            raise CatalogueError(f"{key} fills in {wanted}, not {', '.join(sorted(values))}")
        translation = self._languages.get(locale, {}).get(key)
        if translation is None:
            translation = self._source[key]
            if locale != DEFAULT_LOCALE and (locale, key) not in self._fell_back:
                self._fell_back.add((locale, key))
                logger.warning("no '%s' text for %s: shown in English", locale, key)
        return translation.text.format(**values)

    def coverage(self, locale: str) -> Coverage:
        """How much of English `locale` translates, for `mysay i18n status`."""
        messages = self._languages.get(locale, {})
        statuses = [t.status for t in messages.values()]
        return Coverage(
            locale,
            total=len(self._source),
            reviewed=sum(s in ("reviewed", SOURCE) for s in statuses),
            machine=statuses.count("machine"),
            missing=tuple(sorted(set(self._source) - set(messages))),
        )


def _read(path: Path) -> dict[str, Translation]:
    """One language's file: English as plain strings, others with text and status."""
    data = read_yaml(path.read_text(encoding="utf-8")) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, dict):
        raise CatalogueError(f"{path.name}: needs a 'messages' mapping")
    source = path.stem == DEFAULT_LOCALE
    for key in messages:
        if not isinstance(key, str):
            # YAML reads a bare yes, no, on or off as true or false.
            raise CatalogueError(f"{path.name}: key {key!r} must be quoted")
    return {key: _entry(path.name, key, value, source) for key, value in messages.items()}


def _entry(file: str, key: str, value: object, source: bool) -> Translation:
    if source:
        if not isinstance(value, str) or not value:
            raise CatalogueError(f"{file}, {key}: English needs the text as a string")
        return Translation(value, SOURCE)
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        raise CatalogueError(f"{file}, {key}: needs 'text' and 'status'")
    status = value.get("status")
    if status not in STATUSES:
        raise CatalogueError(f"{file}, {key}: status must be one of {', '.join(STATUSES)}")
    return Translation(value["text"], status)
