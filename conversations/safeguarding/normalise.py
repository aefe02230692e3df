"""Turn how children and teenagers write into one plain form the rule patterns can match.

The result holds only lower-case ASCII letters, digits and single spaces. Apostrophes
are dropped rather than spaced ("don't" -> "dont", "mum's" -> "mums"), stretched
letters are squashed ("sooo" -> "so", "killlll" -> "kill"), and text-speak and common
misspellings are mapped to plain words from the data file `normalisation.yaml`.

Emoji carry meaning, so each becomes one word named after it ("🔪" -> "emojikitchenknife"),
which the word map may turn into a plain word ("knife"). A word that is in neither the
English dictionary nor the word map, and is one or two edits from a word the rules look
for, is mended to that word ("kiks" -> "kicks", "cuting" -> "cutting").
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from importlib.resources import files
from itertools import accumulate

from symspellpy import SymSpell, Verbosity

_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u0060\u00b4\u2032]")
# Combining marks left by NFKD decomposition, so "é" becomes "e" rather than a space.
_COMBINING = re.compile("[\u0300-\u036f]+")
_NOT_WORD = re.compile("[^a-z0-9]+")
_STRETCHED = re.compile(r"([a-z])\1{2,}")
_NOT_LETTER = re.compile("[^a-z]+")
# symspellpy ships an English frequency dictionary: every word in it counts as spelt right.
_DICTIONARY = "frequency_dictionary_en_82_765.txt"
_FIRST_ON_LINE = re.compile(r"^[^ \n]+", re.MULTILINE)
# Shorter words are too close to too many others to mend safely ("hit" vs "hat").
MEND_MIN_LENGTH = 4
# Every character an emoji is written with beyond ASCII (the pictographs, skin tones, the
# joiner, variation selectors, keycaps, flags' tags), in ranges wide enough to hold all the
# emoji package knows (tests/safeguarding checks). Text without one holds no emoji, so the
# package, whose tables take about 3 MiB of memory once imported and 1.4 MiB more once
# searched, is loaded only when a message may hold one; letters of other alphabets and
# typographic quotes and dashes are not in these ranges.
MAY_HOLD_EMOJI = re.compile(
    "[\u00a9\u00ae\u200d\u203c-\u3299\ufe0e\ufe0f\U0001f000-\U0001faff\U000e0020-\U000e007f]"
)


def emoji_word(_: str, data: dict[str, str]) -> str:
    """Name one emoji as a single word, so "🔪" and "kitchen knife" stay distinguishable."""
    return f" emoji{_NOT_LETTER.sub('', data['en'].lower())} "


def _name_emoji(text: str) -> str:
    """Replace each emoji in `text` with the word that names it."""
    import emoji  # see MAY_HOLD_EMOJI

    return emoji.replace_emoji(text, replace=emoji_word)


def english_words() -> Iterator[str]:
    """The words of symspellpy's shipped English dictionary, one at a time.

    Not cached: the rules keep these words only inside a larger `WordList` of known words.
    The words are found in the text directly, so no list of whole lines is made and dropped
    around them.
    """
    text = (files("symspellpy") / _DICTIONARY).read_text(encoding="utf-8")
    return (match.group() for match in _FIRST_ON_LINE.finditer(text))


class WordList:
    """A set of words kept sorted in one string, looked up by bisection.

    As a frozenset, the 83,000 known words took 9 MiB for good (a str object and a table
    slot each); as one string and an array of where each word starts, 1 MiB. A lookup
    takes a few microseconds, and the mender asks once per new word.
    """

    def __init__(self, words: Iterable[str]) -> None:
        ordered = sorted(set(words))
        self._text = "".join(ordered)
        self._starts = array("I", accumulate(map(len, ordered), initial=0))

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, position: int) -> str:
        return self._text[self._starts[position] : self._starts[position + 1]]

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        position = bisect_left(self, word)
        return position < len(self) and self[position] == word


class SpellingMender:
    """Mend a misspelt word to the nearest word screening looks for, if one is near enough.

    Args:
        known: Words left as they are (the English dictionary and the text-speak map).
        targets: Words a misspelling may be mended to; short ones are ignored.
    """

    def __init__(self, known: WordList, targets: Iterable[str]) -> None:
        self._known = known
        self._symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word in targets:
            if len(word) >= MEND_MIN_LENGTH:
                self._symspell.create_dictionary_entry(word, 1)
        self.mend = lru_cache(maxsize=8192)(self._mend)

    def _mend(self, word: str) -> str:
        if len(word) < MEND_MIN_LENGTH or word in self._known or not word.isalpha():
            return word
        if word.startswith("emoji"):
            return word
        distance = 1 if len(word) < 7 else 2
        found = self._symspell.lookup(word, Verbosity.CLOSEST, max_edit_distance=distance)
        # Ties are broken by spelling, not by symspellpy's set order, which changes with
        # Python's hash seed: the same message must always normalise the same way.
        return min((item.distance, item.term) for item in found)[1] if found else word


class Normaliser:
    """Normalise text with a word map, a phrase map and a list of words spelt with a double letter.

    Args:
        words: One token to one or more words ("u" -> "you", "kms" -> "kill myself").
        phrases: Several words to one or more words, applied after the word map
            ("step dad" -> "stepdad", "no one" -> "nobody").
        doubled: Words whose double letter is real, so that a stretched "killll" is
            squashed to "kill" and not to "kil" (everything else squashes to one letter).
        mend: Mends a word the word map does not know (a `SpellingMender`), or None.
    """

    def __init__(
        self,
        words: Mapping[str, str],
        phrases: Mapping[str, str],
        doubled: frozenset[str],
        mend: Callable[[str], str] | None = None,
    ) -> None:
        self._words = dict(words)
        self._mend = mend or str
        self._phrases = dict(phrases)
        self._doubled = doubled
        # Longest phrases first so "my step dad" style overlaps prefer the fuller phrase.
        alternatives = sorted(self._phrases, key=len, reverse=True)
        self._phrase_re = (
            re.compile(r"\b(?:" + "|".join(map(re.escape, alternatives)) + r")\b")
            if alternatives
            else None
        )

    def __call__(self, text: str) -> str:
        """Return the normalised form of `text`."""
        if not text.isascii() and MAY_HOLD_EMOJI.search(text):
            text = _name_emoji(text)
        text = _APOSTROPHES.sub("", text.casefold())
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
        tokens = _NOT_WORD.sub(" ", text).split()
        text = " ".join(
            self._words.get(word) or self._mend(word) for word in map(self._squash, tokens)
        )
        if self._phrase_re is not None:
            text = self._phrase_re.sub(lambda match: self._phrases[match.group(0)], text)
        return text

    def _squash(self, token: str) -> str:
        """Squash letters repeated three or more times, keeping real double letters."""
        if _STRETCHED.search(token) is None:
            return token
        double = _STRETCHED.sub(r"\1\1", token)
        return double if double in self._doubled else _STRETCHED.sub(r"\1", token)
