"""Screening never fails and stays fast, whatever it is given."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.safeguarding import Level, assess, default_screener

KNOWN_RULE_IDS = {rule.id for rule in default_screener().rules}
# Words the rules care about, so generated text reaches deep into the patterns.
RULE_WORDS = [
    *("my", "dad", "mum", "step", "bf", "he", "she", "they", "hits", "hit", "me", "kill"),
    *("myself", "want", "to", "die", "not", "never", "dont", "film", "in", "the", "older"),
    *("lads", "send", "pics", "unless", "i", "pay", "nobody", "left", "alone", "home", "no"),
    *("food", "kicked", "out", "run", "away", "knife", "scared", "safe", "bullied", "sad"),
    *("drunk", "weed", "for", "at", "fifa"),
]


def check(text: str) -> None:
    assessment = assess(text)
    assert assessment.level in set(Level)
    assert set(assessment.rules) <= KNOWN_RULE_IDS
    assert (assessment.level is Level.NONE) == (not assessment.rules)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_screening_any_unicode_text_never_raises(text: str) -> None:
    check(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(RULE_WORDS), max_size=40).map(" ".join))
def test_screening_any_mix_of_rule_words_never_raises(text: str) -> None:
    check(text)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=20).map(lambda piece: (piece * 100_000)[:100_000]))
def test_screening_a_100k_character_message_never_raises(text: str) -> None:
    check(text)


def test_a_100_kb_message_is_screened_well_under_a_second() -> None:
    default_screener()  # loading the rules once is not part of screening
    worst = 0.0
    for piece in ("my dad hits ", "i want to ", "send my pics ", "is 25 ", "a", "é😀 ", "dont "):
        text = (piece * 100_000)[:100_000]
        started = time.perf_counter()
        assess(text)
        worst = max(worst, time.perf_counter() - started)
    print(f"\nslowest 100 KB message: {worst:.3f} s")
    assert worst < 1.0
