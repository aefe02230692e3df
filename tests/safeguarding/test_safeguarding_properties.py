"""Screening never fails, whatever it is given (its speed is in benchmarks/safeguarding.py)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.safeguarding import CATEGORIES, Level, assess, default_rules
from conversations.safeguarding.lexicons import load_lexicons

# Why a message was flagged: a rule's id, the classifier and a category, or its doubt.
KNOWN_REASONS = (
    {rule.id for rule in default_rules().rules}
    | {f"classifier.{category}" for category in (*CATEGORIES, "unspecified")}
    | {"uncertain.classifier"}
    | load_lexicons().reasons()
)
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
    assert set(assessment.rules) <= KNOWN_REASONS
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
