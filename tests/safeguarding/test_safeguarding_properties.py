"""Screening never fails, whatever it is given (its speed is in benchmarks/safeguarding.py)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.safeguarding import CATEGORIES, Level, assess, default_rules
from conversations.safeguarding.lexicons import load_lexicons
from conversations.safeguarding.normalise import WordList

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


@given(
    st.lists(st.text("abcz", max_size=6), max_size=30),
    st.lists(st.text("abcz", max_size=7), max_size=30),
)
def test_the_known_word_list_holds_exactly_the_words_it_was_given(
    words: list[str], others: list[str]
) -> None:
    known = WordList(words)
    assert len(known) == len(set(words))
    for word in words + others:
        assert (word in known) == (word in set(words))
