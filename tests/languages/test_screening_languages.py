"""Screening in every offered language: urgent words raise urgent, unreadable words a concern."""

from __future__ import annotations

import pytest

from conversations.languages import TRANSLATED
from conversations.safeguarding import Level, ScreeningContext, assess
from conversations.safeguarding.lexicons import NOT_SCREENED, load_lexicons
from conversations.safeguarding.screener import describe_reasons

# Made-up disclosures, one per language, each using a different urgent signal.
URGENT = {
    "cy": ("Mae fy llystad yn fy nharo bob nos", "physical_abuse"),
    "pl": ("Chcę umrzeć, nie chcę żyć", "self_harm_suicide"),
    "uk": ("Вітчим б’є мене щодня", "physical_abuse"),
    "ar": ("زوج أمي يضربني كل يوم", "physical_abuse"),
}
# Everyday answers with no urgent word: a person still reads them.
EVERYDAY = {
    "cy": "Dw i'n hoffi pêl-droed gyda fy ffrindiau",
    "pl": "Lubię grać w piłkę z kolegami",
    "uk": "Мені подобається грати у футбол",
    "ar": "أحب لعب كرة القدم مع أصدقائي",
}


def test_every_translated_language_has_a_lexicon() -> None:
    assert set(TRANSLATED) <= set(load_lexicons().languages())


@pytest.mark.parametrize("language", sorted(URGENT))
def test_an_urgent_word_in_the_language_raises_urgent(language: str) -> None:
    text, category = URGENT[language]

    found = assess(text, ScreeningContext(language=language))

    assert found.level is Level.URGENT
    assert category in found.categories
    assert any(reason.startswith(f"lexicon.{language}.") for reason in found.rules)


@pytest.mark.parametrize("language", sorted(EVERYDAY))
def test_words_the_screener_cannot_read_are_a_concern_for_a_person(language: str) -> None:
    found = assess(EVERYDAY[language], ScreeningContext(language=language))

    assert found.level is Level.CONCERN
    assert found.rules == (NOT_SCREENED,)
    assert describe_reasons(found.rules) == "not screened: language"


def test_another_language_in_an_english_run_is_not_read_as_harmless() -> None:
    assert assess("Ojczym mnie bije").level is Level.URGENT
    assert assess("Lubię szkołę, ale jestem zmęczony").rules == (NOT_SCREENED,)


def test_english_words_in_a_welsh_run_are_screened_as_english() -> None:
    welsh_run = ScreeningContext(language="cy")

    assert assess("I like my school and my friends", welsh_run).level is Level.NONE
    assert assess("my step dad hits me", welsh_run).level is Level.URGENT


def test_an_english_run_of_everyday_english_is_not_flagged_for_its_language() -> None:
    assert assess("I want to see my mum more often").rules == ()
