"""Screening words in the languages the English screener cannot read.

Each offered language besides English has a lexicon of urgent signals
(`conversations/safeguarding_lexicons/<code>.yaml`): a match raises URGENT, as the English
rules do. Words the English screener cannot read (a non-English run whose words are not
plainly English, or words plainly in another language or script) with no match are a
CONCERN with the reason "not screened: language": a person reads them, rather than the
screener quietly reading them as harmless.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

import yaml

from conversations.safeguarding.model import CATEGORIES, Assessment, Level
from conversations.safeguarding.rules import RulesError

NOT_SCREENED = "not screened: language"
ENGLISH = "en"

_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u0060\u00b4\u2032]")
_COMBINING = re.compile("[\u0300-\u036f]+")
# Arabic vowel marks and the stretching tatweel, which change no word.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Alef with hamza above, below, madda or wasla as plain alef; alef maqsura as yeh; teh
# marbuta as heh: people type these interchangeably.
_ARABIC_LETTERS = str.maketrans(
    {
        "\u0623": "\u0627",
        "\u0625": "\u0627",
        "\u0622": "\u0627",
        "\u0671": "\u0627",
        "\u0649": "\u064a",
        "\u0629": "\u0647",
    }
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
# Letters no English word has: a Latin-script message with them is in another language.
_FOREIGN_LATIN = frozenset("ąćęłńśźżŵŷ")


def fold(text: str) -> str:
    """The plain form terms are written in: lower case, one apostrophe, no accents on
    Latin letters ("ł" as "l"), Arabic without vowel marks and with one alef."""
    text = _APOSTROPHES.sub("'", text.casefold()).replace("ł", "l")
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    # Only Latin letters lose their marks: Cyrillic й and ї keep theirs.
    kept = "".join(
        char
        for index, char in enumerate(decomposed)
        if not (_COMBINING.fullmatch(char) and index and decomposed[index - 1].isascii())
    )
    return " ".join(unicodedata.normalize("NFC", kept).split())


@dataclass(frozen=True)
class Signal:
    """Urgent words in one language, for one category."""

    id: str
    category: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    """One language's everyday words (to recognise it) and its urgent signals."""

    language: str
    common: frozenset[str]
    signals: tuple[Signal, ...]


class Lexicons:
    """Every language's lexicon; `assess` screens what the English screener cannot read."""

    def __init__(self, lexicons: Iterable[Lexicon]) -> None:
        self._lexicons = {lexicon.language: lexicon for lexicon in lexicons}
        english = self._lexicons.get(ENGLISH)
        self._english = english.common if english else frozenset()
        self._others = frozenset().union(
            *(lexicon.common for code, lexicon in self._lexicons.items() if code != ENGLISH)
        )

    def languages(self) -> tuple[str, ...]:
        """The languages with a lexicon, English included."""
        return tuple(sorted(self._lexicons))

    def reasons(self) -> frozenset[str]:
        """Every reason `assess` may give."""
        return frozenset(
            {NOT_SCREENED}
            | {
                f"lexicon.{code}.{signal.id}"
                for code, lexicon in self._lexicons.items()
                for signal in lexicon.signals
            }
        )

    def assess(self, text: str, language: str = ENGLISH) -> Assessment:
        """Urgent for a signal in any language's lexicon; a concern for words the English
        screener cannot read in a run in `language`; else nothing."""
        folded = fold(text)
        hits = [
            (lexicon.language, signal)
            for lexicon in self._lexicons.values()
            for signal in lexicon.signals
            if signal.pattern.search(folded)
        ]
        if hits:
            return Assessment(
                Level.URGENT,
                tuple(sorted({signal.category for _, signal in hits})),
                tuple(sorted({f"lexicon.{code}.{signal.id}" for code, signal in hits})),
            )
        if not self.readable_as_english(text, language):
            return Assessment(Level.CONCERN, (), (NOT_SCREENED,))
        return Assessment()

    def readable_as_english(self, text: str, language: str = ENGLISH) -> bool:
        """Whether the English screener can read `text`, written in a run in `language`.

        Mostly non-Latin letters are never English. Otherwise English's everyday words
        are weighed against the other languages' (and letters no English word has): in an
        English run the words are English unless the others win; in any other run only if
        English wins.
        """
        letters = [char for char in text if char.isalpha()]
        if not letters:
            return True  # numbers and emoji: the English screener reads emoji
        if sum(not _latin(char) for char in letters) * 2 > len(letters):
            return False
        words = _WORD.findall(fold(text))
        english = sum(word in self._english for word in words)
        other = sum(word in self._others for word in words)
        other += sum(char in _FOREIGN_LATIN for char in text.casefold())
        return english >= other if language == ENGLISH else english > other


def _latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def load_lexicons(folder: Traversable | None = None) -> Lexicons:
    """Read every `<code>.yaml` lexicon (the packaged ones by default)."""
    folder = folder or files("conversations") / "safeguarding_lexicons"
    found = [
        _lexicon(entry.name, yaml.safe_load(entry.read_text(encoding="utf-8")))
        for entry in sorted(folder.iterdir(), key=lambda entry: entry.name)
        if entry.name.endswith(".yaml")
    ]
    return Lexicons(found)


def _lexicon(name: str, data: object) -> Lexicon:
    if not isinstance(data, Mapping) or not isinstance(data.get("language"), str):
        raise RulesError(f"{name}: needs 'language', 'common' and 'urgent'")
    whole_words = data.get("whole_words", True)
    signals = []
    for entry in data.get("urgent") or []:
        where = f"{name}, {entry.get('id') if isinstance(entry, Mapping) else entry!r}"
        if not isinstance(entry, Mapping) or entry.get("category") not in CATEGORIES:
            raise RulesError(f"{where}: needs an id, a known category and terms")
        terms = [fold(str(term)) for term in entry.get("terms") or [] if str(term).strip()]
        if not terms:
            raise RulesError(f"{where}: needs at least one term")
        start = r"(?<!\w)" if whole_words else ""
        pattern = re.compile(start + "(?:" + "|".join(map(re.escape, terms)) + ")")
        signals.append(Signal(str(entry["id"]), str(entry["category"]), pattern))
    common = frozenset(fold(str(word)) for word in data.get("common") or [])
    return Lexicon(str(data["language"]), common, tuple(signals))
