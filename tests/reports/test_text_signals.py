"""Light text signals: themes from the curated lexicon and a TextBlob polarity."""

from __future__ import annotations

from feedback_reports.text_signals import analyse, find_themes, sentiment_word


def test_themes_are_found_by_whole_words_and_phrases() -> None:
    found = analyse("I miss my Mum. School is OK but I got bullied at the park")
    assert found.themes == ("school", "family_contact", "feelings", "friends_activities", "safety")
    assert find_themes("My best friends and my foster carer\u2019s dog") == (
        "home",
        "friends_activities",
    )
    # Whole words only: "homework" is school, not home; "classic" is not a class.
    assert find_themes("homework") == ("school",) and find_themes("classic") == ()


def test_sentiment_is_a_light_signal_shown_in_words() -> None:
    assert analyse("I love my new home, it is great").sentiment > 0.1
    assert analyse("I hate it here, it is awful").sentiment < -0.1
    assert analyse("   ").sentiment == 0.0 and analyse("").themes == ()
    assert [sentiment_word(s) for s in (0.5, 0.0, -0.5, None)] == [
        "leans positive",
        "neutral",
        "leans negative",
        None,
    ]
    assert analyse("").themes_text is None and analyse("school").themes_text == "school"
