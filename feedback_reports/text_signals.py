"""Light signals from a free-text answer: a sentiment score and the themes it mentions.

The bot calls `analyse` when it stores a free-text answer and keeps the result beside it
(`answer.sentiment`, `answer.text_themes`). Both are hints for a reader, never a judgement:
TextBlob's polarity is a word-list average that misses sarcasm and children's phrasing, so
reports show it as "leans positive/negative" and nothing more.

Only `TextBlob(...).sentiment` is used: the other TextBlob features need NLTK corpora that are
downloaded from the internet and are not available where My Say runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from textblob import TextBlob

from feedback_reports.theme_lexicon import THEME_LEXICON

# Below this magnitude a polarity is reported as neutral; TextBlob scores many plain
# statements a little above or below zero.
NEUTRAL_BAND = 0.1


@dataclass(frozen=True)
class TextSignals:
    """The sentiment (-1.0 to 1.0) and themes (in lexicon order) found in one answer."""

    sentiment: float
    themes: tuple[str, ...]

    @property
    def themes_text(self) -> str | None:
        """Return the themes comma-joined, as stored in `answer.text_themes` (None if none)."""
        return ",".join(self.themes) or None


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compile one pattern per theme; longest phrases first so they win over their words."""
    compiled = {}
    for theme, entries in THEME_LEXICON.items():
        ordered = sorted(entries, key=len, reverse=True)
        alternatives = "|".join(re.escape(entry).replace(r"\ ", r"\s+") for entry in ordered)
        compiled[theme] = re.compile(
            rf"(?<![\w'])(?:{alternatives})(?:s|'s)?(?![\w'])", re.IGNORECASE
        )
    return compiled


def find_themes(text: str) -> tuple[str, ...]:
    """Return the themes whose words or phrases appear in `text`, in lexicon order."""
    # Curly apostrophes are common on phones; the lexicon is written with straight ones.
    normalised = text.replace("\u2019", "'")
    return tuple(theme for theme, pattern in _patterns().items() if pattern.search(normalised))


def polarity(text: str) -> float:
    """Return TextBlob's polarity for `text`, rounded to two places (0.0 for blank text)."""
    if not text.strip():
        return 0.0
    return round(float(TextBlob(text).sentiment.polarity), 2)


def analyse(text: str) -> TextSignals:
    """Return the light sentiment signal and the themes of one free-text answer."""
    return TextSignals(sentiment=polarity(text), themes=find_themes(text))


def sentiment_word(score: float | None) -> str | None:
    """Say which way a score leans, in words a reader will not over-read."""
    if score is None:
        return None
    if score >= NEUTRAL_BAND:
        return "leans positive"
    if score <= -NEUTRAL_BAND:
        return "leans negative"
    return "neutral"
