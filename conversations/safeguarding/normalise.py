"""Turn how children and teenagers write into one plain form the rule patterns can match.

The result holds only lower-case ASCII letters, digits and single spaces. Apostrophes
are dropped rather than spaced ("don't" -> "dont", "mum's" -> "mums"), stretched
letters are squashed ("sooo" -> "so", "killlll" -> "kill"), and text-speak and common
misspellings are mapped to plain words from the data file `normalisation.yaml`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u0060\u00b4\u2032]")
# Combining marks left by NFKD decomposition, so "é" becomes "e" rather than a space.
_COMBINING = re.compile("[\u0300-\u036f]+")
_NOT_WORD = re.compile("[^a-z0-9]+")
_STRETCHED = re.compile(r"([a-z])\1{2,}")


class Normaliser:
    """Normalise text with a word map, a phrase map and a list of words spelt with a double letter.

    Args:
        words: One token to one or more words ("u" -> "you", "kms" -> "kill myself").
        phrases: Several words to one or more words, applied after the word map
            ("step dad" -> "stepdad", "no one" -> "nobody").
        doubled: Words whose double letter is real, so that a stretched "killll" is
            squashed to "kill" and not to "kil" (everything else squashes to one letter).
    """

    def __init__(
        self, words: Mapping[str, str], phrases: Mapping[str, str], doubled: frozenset[str]
    ) -> None:
        self._words = dict(words)
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
        text = _APOSTROPHES.sub("", text.casefold())
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
        tokens = _NOT_WORD.sub(" ", text).split()
        text = " ".join(self._words.get(word, word) for word in map(self._squash, tokens))
        if self._phrase_re is not None:
            text = self._phrase_re.sub(lambda match: self._phrases[match.group(0)], text)
        return text

    def _squash(self, token: str) -> str:
        """Squash letters repeated three or more times, keeping real double letters."""
        if _STRETCHED.search(token) is None:
            return token
        double = _STRETCHED.sub(r"\1\1", token)
        return double if double in self._doubled else _STRETCHED.sub(r"\1", token)
