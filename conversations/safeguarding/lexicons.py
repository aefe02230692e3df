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

from conversations.safeguarding.model import CATEGORIES, Assessment, Level
from conversations.safeguarding.rules import RulesError
from conversations.yaml_files import read_yaml

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
        # Hamza on a seat as its seat ("خائف" and "خايف", "اؤذي" and "اوذي"), a lone hamza
        # dropped, and the Persian keyboard's yeh and kaf as Arabic's.
        "\u0624": "\u0648",
        "\u0626": "\u064a",
        "\u0621": None,
        "\u06cc": "\u064a",
        "\u06a9": "\u0643",
        # Ukrainian and Russian letters that stand for near the same sound, so one term
        # covers both languages and surzhyk, their mix: the i and y letters (Ukrainian i,
        # yi, y; Russian i, yery) as one, the e letters (Ukrainian ye, Russian e, yo) as
        # one, ghe with upturn as ghe, and the hard sign dropped.
        "\u0456": "\u0438",
        "\u0457": "\u0438",
        "\u044b": "\u0438",
        "\u0454": "\u0435",
        "\u044d": "\u0435",
        "\u0451": "\u0435",
        "\u0491": "\u0433",
        "\u044a": None,
    }
)
# An apostrophe inside a Cyrillic word (Ukrainian "he beats") is often left out: drop it.
_CYRILLIC_APOSTROPHE = re.compile("(?<=[\u0400-\u04ff])'(?=[\u0400-\u04ff])")
# A letter typed three times or more ("moooot", "موووت") is the letter once.
_STRETCHED = re.compile(r"(\w)\1{2,}")
# A pair term ("zabi ~ sie") matches its two parts in either order with at most this many
# words between them: "chcę się zabić", "zabiję się", "zabić się chcę".
PAIR_GAP = 3
# Welsh first-letter mutations (soft, nasal, aspirate) of a term's words, longest first:
# "lladd" is also "ladd", "taro" also "daro", "nharo" and "tharo".
_MUTATIONS = (
    ("ll", ("l",)),
    ("rh", ("r",)),
    ("p", ("b", "mh", "ph")),
    ("t", ("d", "nh", "th")),
    ("c", ("g", "ngh", "ch")),
    ("b", ("f", "m")),
    ("d", ("dd", "n")),
    ("g", ("", "ng")),
    ("m", ("f",)),
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
# Letters no English word has: a Latin-script message with them is in another language.
_FOREIGN_LATIN = frozenset("ąćęłńśźżŵŷ")


def fold(text: str) -> str:
    """The plain form terms are written in: lower case, one apostrophe, no accents on
    Latin letters ("ł" as "l"), Arabic without vowel marks and with one alef, Ukrainian
    and Russian letters of one sound as one, no letter typed three times in a row."""
    text = _APOSTROPHES.sub("'", text.casefold()).replace("ł", "l")
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)
    text = _STRETCHED.sub(r"\1", _CYRILLIC_APOSTROPHE.sub("", text))
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
    """Urgent words in one language, for one category.

    `clues` holds, for each term, the forms of one of its words: text holding none of them
    cannot match, which a substring test tells far sooner than the pattern (every message
    meets every language's signals, and nearly none of them match).
    """

    id: str
    category: str
    pattern: re.Pattern[str]
    clues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """One language's everyday words (to recognise it) and its urgent signals."""

    language: str
    common: frozenset[str]
    signals: tuple[Signal, ...]
    # Idioms and games ("zabiłem się ze śmiechu", "in Minecraft"): one within `PAIR_GAP`
    # words of a match cancels that match only, so a disclosure elsewhere still counts.
    unless: re.Pattern[str] | None = None

    def matches(self, signal: Signal, folded: str) -> bool:
        """Whether `signal` matches `folded` text anywhere an idiom does not explain."""
        if signal.clues and not any(clue in folded for clue in signal.clues):
            return False
        return any(
            self.unless is None or not self.unless.search(_around(folded, found))
            for found in signal.pattern.finditer(folded)
        )


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
            if lexicon.matches(signal, folded)
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
        _lexicon(entry.name, read_yaml(entry.read_text(encoding="utf-8")))
        for entry in sorted(folder.iterdir(), key=lambda entry: entry.name)
        if entry.name.endswith(".yaml")
    ]
    return Lexicons(found)


def _lexicon(name: str, data: object) -> Lexicon:
    if not isinstance(data, Mapping) or not isinstance(data.get("language"), str):
        raise RulesError(f"{name}: needs 'language', 'common' and 'urgent'")
    whole_words = data.get("whole_words", True)
    mutates = bool(data.get("mutates", False))
    signals = []
    for entry in data.get("urgent") or []:
        where = f"{name}, {entry.get('id') if isinstance(entry, Mapping) else entry!r}"
        if not isinstance(entry, Mapping) or entry.get("category") not in CATEGORIES:
            raise RulesError(f"{where}: needs an id, a known category and terms")
        terms = [str(term) for term in entry.get("terms") or [] if str(term).strip()]
        if not terms:
            raise RulesError(f"{where}: needs at least one term")
        pattern = re.compile("|".join(_term_pattern(term, whole_words, mutates) for term in terms))
        clues = tuple(clue for term in terms for clue in _clues(term, mutates))
        signals.append(Signal(str(entry["id"]), str(entry["category"]), pattern, clues))
    common = frozenset(fold(str(word)) for word in data.get("common") or [])
    idioms = [str(term) for term in data.get("unless") or [] if str(term).strip()]
    unless = (
        re.compile("|".join(_term_pattern(term, whole_words, mutates) for term in idioms))
        if idioms
        else None
    )
    return Lexicon(str(data["language"]), common, tuple(signals), unless)


def _around(folded: str, found: re.Match[str]) -> str:
    """The words of a match and up to `PAIR_GAP` words either side of it in its sentence."""
    before = re.search(rf"(?:[^\s.!?]+\s+){{0,{PAIR_GAP}}}$", folded[: found.start()])
    after = re.match(rf"(?:\s*[^\s.!?]+){{0,{PAIR_GAP}}}", folded[found.end() :])
    return (before.group() if before else "") + found.group() + (after.group() if after else "")


def _term_pattern(term: str, whole_words: bool, mutates: bool) -> str:
    """A term as a pattern: "a ~ b" for two parts in either order within `PAIR_GAP`
    words; a word ending in "$" must end there ("lladd$" is not "ladder"); a part
    starting "*" may start inside a word ("*drabni" is "bidrabni", "yedrabni")."""
    parts = [_part_pattern(fold(part), whole_words, mutates) for part in term.split("~")]
    if len(parts) == 1:
        return parts[0]
    if len(parts) != 2 or not all(part.strip() for part in term.split("~")):
        raise RulesError(f"{term!r}: a pair term is two parts either side of one '~'")
    # The rest of the first word, the words between, and any prefix of the second's word
    # (none where the second must start a word: its look-behind sees to that).
    gap = rf"\w*(?:\W+\w+){{0,{PAIR_GAP}}}?\W+\w*?"
    first, second = parts
    return f"(?:{first}{gap}{second}|{second}{gap}{first})"


def _part_pattern(part: str, whole_words: bool, mutates: bool) -> str:
    # A part starting "*" may start inside a word, as may a part in a prefix lexicon's
    # script (Arabic و، ب، ال); a Latin one there (Arabizi) otherwise starts a word, so
    # "mout" does not match inside "mouth".
    anywhere = part.startswith("*") or (not whole_words and not part.isascii())
    words = [
        "(?:" + "|".join(map(re.escape, forms)) + ")" + (r"(?!\w)" if ends else "")
        for forms, ends in _part_words(part, mutates)
    ]
    return ("" if anywhere else r"(?<!\w)") + r"\s+".join(words)


def _part_words(part: str, mutates: bool) -> list[tuple[tuple[str, ...], bool]]:
    """A folded part's words as the pattern spells them: each word's forms (the Welsh
    mutations too), and whether the word must end there ("$")."""
    words = []
    for word in part.removeprefix("*").split():
        ends = word.endswith("$") and len(word) > 1
        word = word.removesuffix("$") if ends else word
        words.append((_mutated(word) if mutates else (word,), ends))
    return words


def _clues(term: str, mutates: bool) -> tuple[str, ...]:
    """The forms of the term's longest word: any text the term matches holds one of them
    (a term with no word gives the empty string, which every text holds)."""
    words = [forms for part in term.split("~") for forms, _ in _part_words(fold(part), mutates)]
    return max(words, key=lambda forms: min(map(len, forms)), default=("",))


def _mutated(word: str) -> tuple[str, ...]:
    """A Welsh word and its mutated forms."""
    for plain, mutated in _MUTATIONS:
        if word.startswith(plain):
            return (word, *(start + word[len(plain) :] for start in mutated))
    return (word,)
