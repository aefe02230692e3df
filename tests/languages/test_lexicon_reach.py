"""How far the urgent lexicons reach: the forms children write, and the idioms they skip.

`lexicon_examples/<code>.tsv` holds made-up messages per language (see its README); the
matcher's own behaviour is shown on small lexicons written here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conversations.safeguarding import Level, ScreeningContext, assess
from conversations.safeguarding.labelled import read_all
from conversations.safeguarding.lexicons import Lexicons, fold, load_lexicons
from conversations.safeguarding.rules import RulesError

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE / "lexicon_examples"
LANGUAGES = sorted(path.stem for path in EXAMPLES.glob("*.tsv"))
ROOT = HERE.parents[1]
ENGLISH_SETS = [
    *sorted((ROOT / "conversations" / "safeguarding_corpus").glob("*.tsv")),
    ROOT / "tests" / "safeguarding" / "heldout.tsv",
    ROOT.parent / "shared" / "data" / "safeguarding_dev.tsv",
]


def examples(language: str) -> list[tuple[str, str]]:
    """(expected, text) pairs: a category the text must be urgent for, or "harmless"."""
    lines = (EXAMPLES / f"{language}.tsv").read_text(encoding="utf-8").splitlines()
    return [(expected, text) for expected, text in (line.split("\t", 1) for line in lines)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_urgent_example_raises_urgent_with_its_category(language: str) -> None:
    urgent = [(category, text) for category, text in examples(language) if category != "harmless"]
    missed = [
        text
        for category, text in urgent
        if (found := assess(text, ScreeningContext(language=language))).level is not Level.URGENT
        or category not in found.categories
    ]
    assert len(urgent) >= 15
    assert missed == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_idioms_and_games_match_no_lexicon(language: str) -> None:
    # The lexicon layer only: the English classifier reads every message as well, and
    # may guess at words it does not know; that is its own layer's concern.
    lexicons = load_lexicons()
    harmless = [text for expected, text in examples(language) if expected == "harmless"]
    raised = [text for text in harmless if lexicons.assess(text, language).level is Level.URGENT]
    assert len(harmless) >= 5
    assert raised == []


def test_no_english_message_matches_any_lexicon() -> None:
    lexicons = load_lexicons()
    english = read_all(path for path in ENGLISH_SETS if path.is_file())
    matched = [
        message.text
        for message in english
        if any(reason.startswith("lexicon.") for reason in lexicons.assess(message.text).rules)
    ]
    assert len(english) > 10_000
    assert matched == []


def lexicon(tmp_path: Path, body: str) -> Lexicons:
    (tmp_path / "xx.yaml").write_text("language: xx\ncommon: []\n" + body, encoding="utf-8")
    return load_lexicons(tmp_path)


def urgent(lexicons: Lexicons, text: str) -> bool:
    return lexicons.assess(text, "xx").level is Level.URGENT


def test_a_pair_matches_in_either_order_within_three_words(tmp_path: Path) -> None:
    found = lexicon(
        tmp_path, "urgent: [{id: a, category: self_harm_suicide, terms: [zabi ~ sie]}]"
    )

    assert urgent(found, "chce sie zabic")
    assert urgent(found, "zabilam sie")
    assert urgent(found, "zabije chyba dzisiaj sie")
    assert not urgent(found, "zabije jutro albo pojutrze chyba sie")
    assert not urgent(found, "zabijaka")


def test_a_word_ending_in_a_dollar_ends_there(tmp_path: Path) -> None:
    found = lexicon(tmp_path, "urgent: [{id: a, category: physical_abuse, terms: [bil$ ~ mnie]}]")

    assert urgent(found, "bil mnie")
    assert not urgent(found, "bilet dla mnie")


def test_welsh_mutations_are_matched_from_the_plain_form(tmp_path: Path) -> None:
    found = lexicon(
        tmp_path, "mutates: true\nurgent: [{id: a, category: physical_abuse, terms: [fy taro]}]"
    )

    assert [urgent(found, f"mae o'n fy {form}") for form in ("taro", "nharo", "tharo")] == [
        True
    ] * 3


def test_a_signal_is_matched_whichever_of_its_terms_and_word_forms_the_text_holds(
    tmp_path: Path,
) -> None:
    """A signal's pattern runs only on text holding a word of one of its terms: the word
    may be any mutated form, and sit in any term, part or place in the term."""
    found = lexicon(
        tmp_path,
        "mutates: true\nurgent: [{id: a, category: physical_abuse,"
        " terms: [cicio ~ fi$, '*drabni', mae o'n fy nghuro]}]",
    )

    assert urgent(found, "mae o'n fy nghicio fi")  # "cicio" mutated, the pair's first part
    assert urgent(found, "fi mae o'n gicio")  # the parts the other way round
    assert urgent(found, "mae o'n bidrabni")  # a part that may start inside a word
    assert urgent(found, "mae o'n fy nghuro")  # the third term, with no word of the others
    assert not urgent(found, "mae o'n fy ngharu")


def test_an_idiom_cancels_only_the_match_near_it(tmp_path: Path) -> None:
    found = lexicon(
        tmp_path,
        "urgent: [{id: a, category: self_harm_suicide, terms: [zabi ~ sie]}]\n"
        "unless: [ze smiechu]\n",
    )

    assert not urgent(found, "zabilem sie ze smiechu")
    assert urgent(found, "umieram ze smiechu. chce sie zabic")


def test_latin_terms_in_a_prefix_lexicon_still_start_a_word(tmp_path: Path) -> None:
    found = lexicon(
        tmp_path,
        "whole_words: false\nurgent: [{id: a, category: self_harm_suicide, terms: [moot, موت]}]",
    )

    assert urgent(found, "bade moot") and urgent(found, "بدي اموت")
    assert not urgent(found, "a smooth ride")


def test_folding_joins_spellings_people_use_interchangeably() -> None:
    assert fold("Б'Є") == fold("бє") == fold("бъе")
    assert fold("خائف") == fold("خايف")
    assert fold("мооооре") == fold("море")


def test_a_pair_term_has_two_parts(tmp_path: Path) -> None:
    with pytest.raises(RulesError):
        lexicon(tmp_path, "urgent: [{id: a, category: neglect, terms: [a ~ b ~ c]}]")
