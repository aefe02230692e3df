"""Light text signals: themes from the curated lexicon, and the polarity kept for measuring."""

from __future__ import annotations

from feedback_reports.text_signals import find_themes, polarity, sentiment_word


def test_themes_are_found_by_whole_words_and_phrases() -> None:
    found = find_themes("I miss my Mum. School is OK but I got bullied at the park")
    assert found == ("school", "family_contact", "feelings", "friends_activities", "safety")
    assert find_themes("My best friends and my foster carer\u2019s dog") == (
        "home",
        "friends_activities",
    )
    # Whole words only: "homework" is school, not home; "classic" is not a class.
    assert find_themes("homework") == ("school",) and find_themes("classic") == ()
    assert find_themes("") == ()


def test_the_polarity_kept_for_measuring_reads_plain_words_in_words() -> None:
    assert polarity("I love my new home, it is great") > 0.1
    assert polarity("I hate it here, it is awful") < -0.1
    assert polarity("   ") == 0.0
    assert [sentiment_word(s) for s in (0.5, 0.0, -0.5, None)] == [
        "leans positive",
        "neutral",
        "leans negative",
        None,
    ]
