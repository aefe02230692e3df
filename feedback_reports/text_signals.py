"""Light signals from a free-text answer: the themes it mentions, and a sentiment reading.

The bot calls `find_themes` on each free-text answer of a run as it is sent, and keeps the
result beside it, encrypted like the words (`answer.text_themes_cipher`): the record shows
"also mentions family time", a hint for the reader.

Sentiment is not shown to anyone any more. Measured on 313 answers written blind to it
(`python -m benchmarks.sentiment`), TextBlob's polarity read only a quarter of the negative
answers as negative and a fifth of them as positive, so a "leans positive/negative" label
would mislead the IRO. `polarity` and `sentiment_word` stay for that measurement, so a
better reading can be compared on the same answers.

Only `TextBlob(...).sentiment` is used: the other TextBlob features need NLTK corpora that are
downloaded from the internet and are not available where My Say runs.
"""

from __future__ import annotations

import re
from functools import lru_cache

from feedback_reports.theme_lexicon import THEME_LEXICON

# Below this magnitude a polarity is reported as neutral; TextBlob scores many plain
# statements a little above or below zero.
NEUTRAL_BAND = 0.1


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
    # Imported here: TextBlob brings NLTK and SciPy (about 100 MB), and only the sentiment
    # benchmark reads polarity; the bot stores themes alone.
    from textblob import TextBlob

    return round(float(TextBlob(text).sentiment.polarity), 2)


def sentiment_word(score: float | None) -> str | None:
    """Say which way a score leans, in words a reader will not over-read."""
    if score is None:
        return None
    if score >= NEUTRAL_BAND:
        return "leans positive"
    if score <= -NEUTRAL_BAND:
        return "leans negative"
    return "neutral"
