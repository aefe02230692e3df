"""Safeguarding screening: the API, normalisation, idioms, disclosures and rule files."""

from __future__ import annotations

from pathlib import Path

import pytest

from conversations.safeguarding import (
    CATEGORIES,
    Assessment,
    Level,
    RulesError,
    assess,
    default_rules,
    load_rules,
)
from conversations.safeguarding.normalise import MAY_HOLD_EMOJI

RULES_DIR = Path(__file__).resolve().parents[2] / "conversations" / "safeguarding_rules"


def test_levels_are_ordered_by_severity_not_alphabetically() -> None:
    assert Level.NONE < Level.CONCERN < Level.URGENT
    assert max([Level.CONCERN, Level.URGENT, Level.NONE]) is Level.URGENT
    assert sorted(Level) == [Level.NONE, Level.CONCERN, Level.URGENT]
    assert Level.URGENT == "urgent"


def test_an_assessment_gives_level_and_categories_as_json() -> None:
    assessment = assess("my step dad hits me and I want to kms")
    assert assessment.to_json_dict() == {
        "level": "urgent",
        "categories": ["physical_abuse", "self_harm_suicide"],
    }
    assert list(assessment.categories) == sorted(set(assessment.categories))
    assert list(assessment.rules) == sorted(set(assessment.rules))


def test_an_empty_message_is_none() -> None:
    assert assess("") == Assessment(Level.NONE, (), ())
    assert assess("   \n\t ").level is Level.NONE


@pytest.mark.parametrize("typed", ["back", "stop", "Stop!", "go back", "skip", "cancel", "next"])
def test_the_bots_own_button_words_typed_alone_are_never_a_disclosure(typed: str) -> None:
    # A new user found "back" screened urgent (running away) and "stop" urgent (suicide).
    assert assess(typed) == Assessment(Level.NONE, (), ())


def test_the_same_words_in_a_sentence_are_still_read() -> None:
    assert assess("stop hitting me").level is Level.URGENT
    assert assess("i want to go back to my mums and never come back here").level > Level.NONE


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("I DON'T know, I\u2019m sooo tired!!!", "i dont know im so tired"),
        ("i wanna kms", "i want to kill myself"),
        ("ur gonna b fine", "your going to b fine"),
        ("mum's bf", "mums boyfriend"),
        ("my step-dad", "my stepdad"),
        ("he keeps hurtin me at skool", "he keeps hurting me at school"),
        ("killlll meeee", "kill me"),
        ("i cant take it any more", "i cant take it anymore"),
        ("café  naïve", "cafe naive"),
        ("no one cares", "nobody cares"),
        ("unaliving myself", "killing myself"),
    ],
)
def test_normalisation_handles_how_young_people_write(raw: str, normalised: str) -> None:
    assert default_rules().normalise(raw) == normalised


def test_every_emoji_the_emoji_package_knows_is_looked_for() -> None:
    from emoji.unicode_codes import EMOJI_DATA

    for sequence in EMOJI_DATA:
        assert not sequence.isascii(), sequence
        assert all(MAY_HOLD_EMOJI.match(c) for c in sequence if not c.isascii()), sequence
    # The emoji package also drops the joiner and variation selectors found alone.
    assert all(MAY_HOLD_EMOJI.match(c) for c in "\u200d\ufe0e\ufe0f")
    # Other alphabets and typographic punctuation never load the package.
    assert not MAY_HOLD_EMOJI.search("don\u2019t \u2013 \u201cŵyr\u201d łódź Привіт مرحبا\u2026")


@pytest.mark.parametrize(
    "text",
    [
        "this homework is killing me",
        "I could kill for a pizza",
        "I died laughing",
        "my feet are killing me",
        "I'm dying to see my nan",
        "dead tired",
        "in the film he kills himself",
        "the character got abused in the book",
        "we killed it at football",
        "I'd kill to go to Spain",
        # Judged an idiom: an everyday reason (being late) and nothing about telling.
        "she'll kill me if I'm late",
        "kmsl that video",
        "my brother beat me at fifa",
        "I'm not being bullied any more",
        "nobody hurts me at home",
        "I would never kill myself",
        "got kicked out of maths for talking",
        "my mum is going to kill me when she sees my school report lol",
        "im gonna kill my brother if he eats my chips again",
        "i miss my mum but i see her on saturdays",
        "house rules are actually abuse i have to do the dishwasher every day",
        "going country this weekend with my carers, they have a caravan",
        "got punched in the face in sparring at boxing club",
        # Said of someone close, with an idiom verb and nothing real nearby.
        "my nan is going to murder me when she sees the mud on my coat",
        "i could strangle my cousin, he broke my headphones",
        "eating sprouts at christmas is literally child abuse",
        "we lost 7 0 and got battered by the other team",
        # Sadness said to be coped with, about a pet, or about a story.
        "i got sad when contact finished but my carer made pancakes and it helped",
        "my goldfish died and i am sad",
        "the ending of the book was so sad",
        "i miss my nan but she rings me every sunday",
        "worried about my maths test tomorrow",
        # A joked threat about an everyday setback, marked as a joke.
        "ill kms if this science homework takes any longer lol",
        "im jumping off a cliff if we lose the final haha",
        "my coach can go jump off a bridge, he benched me again",
        # Accidents, a ball, chores, a lesson, a crush kept secret, the family still seen.
        "burnt my finger on the hob making pancakes",
        "got hit in the eye with a tennis ball at the park",
        "my carers are so abusive they make me tidy my room every week",
        "my cousin said shed kill me if i told you she fancies a boy in year 10",
        "i miss my dad but ill see him next weekend",
        "oh lovely, another new social worker, number six",
        # A one-off sadness about an ordinary change.
        "i am sad because my best friend is moving to a different school",
        "felt left out at the sleepover cos i cant do cartwheels",
    ],
)
def test_idioms_stories_and_negations_do_not_flag(text: str) -> None:
    assert default_rules().assess(text).level is Level.NONE, default_rules().assess(text).rules
    # With every layer, an idiom the rules recognised is never urgent.
    assert assess(text).level is not Level.URGENT, assess(text).rules


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my brother gets hit", "physical_abuse"),
        ("my sister said dad touches her", "sexual_abuse"),
        ("my best mate is going to kill herself", "self_harm_suicide"),
        ("my friend has been cutting her arms", "self_harm_suicide"),
        ("dad will kill me if I tell anyone", "threats_or_immediate_danger"),
        ("ive been sofa surfing since mum kicked me out", "homelessness"),
        ("older boys make me sell weed for them", "exploitation"),
        ("im home alone every night with no food", "neglect"),
    ],
)
def test_disclosures_about_themselves_or_a_sibling_or_friend_are_urgent(
    text: str, category: str
) -> None:
    assessment = assess(text)
    assert assessment.level is Level.URGENT
    assert category in assessment.categories


@pytest.mark.parametrize(
    "text",
    [
        "my brother can have my xbox when im gone",
        "you can keep my trainers i wont need them anymore",
        "i wont be here anymore after tonight",
    ],
)
def test_leaving_things_behind_is_a_suicide_sign_without_the_word(text: str) -> None:
    assert "self_harm.saying_goodbye" in default_rules().assess(text).rules


def test_not_being_there_next_time_is_asked_about_unless_the_child_says_why() -> None:
    rules = default_rules()
    assert (
        "low_mood.not_there_next_time" in rules.assess("i wont be around for my next review").rules
    )
    for why in ("im on a school trip", "cos we are moving"):
        said = rules.assess(f"i wont be there at the next meeting {why}")
        assert "low_mood.not_there_next_time" not in said.rules
    trip = rules.assess("you can have my bike when im gone to camp")
    assert "self_harm.saying_goodbye" not in trip.rules


def test_an_idiom_does_not_hide_a_disclosure_in_the_same_message() -> None:
    text = "this homework is killing me. in the film he kills himself. " * 3 + "i want to kms"
    assert assess(text).level is Level.URGENT


def test_a_story_mentioned_far_away_does_not_cancel_a_disclosure() -> None:
    text = (
        "in the film it was sad and long and boring and then at home "
        "my mate said she will kill herself"
    )
    assert "self_harm_suicide" in assess(text).categories


def test_every_category_in_the_rules_is_a_known_category() -> None:
    assert {rule.category for rule in default_rules().rules} <= CATEGORIES


def test_rule_ids_are_opaque_codes_never_message_text() -> None:
    known = {rule.id for rule in default_rules().rules}
    text = "my step dad hits me when hes drunk and i want to kms"
    assessment = assess(text)
    assert assessment.rules
    assert set(assessment.rules) <= known
    for rule_id in assessment.rules:
        assert " " not in rule_id
        assert text not in rule_id
        assert "drunk" not in rule_id


def _write_rules(folder: Path, rules_yaml: str) -> Path:
    """Copy the packaged normalisation and fragments beside one test rule file."""
    for name in ("normalisation.yaml", "fragments.yaml"):
        (folder / name).write_text((RULES_DIR / name).read_text(encoding="utf-8"))
    (folder / "test_rules.yaml").write_text(rules_yaml, encoding="utf-8")
    return folder


def test_rules_load_from_any_folder_and_unless_cancels_only_nearby(tmp_path: Path) -> None:
    screener = load_rules(
        _write_rules(
            tmp_path,
            """
spec_version: 1
rules:
  - id: test.apple
    category: low_mood
    level: concern
    patterns: ['\\bapples?\\b']
    unless: ['\\bno apples\\b']
""",
        )
    )
    assert screener.assess("I like apples").rules == ("test.apple",)
    assert screener.assess("there are no apples").level is Level.NONE
    assert screener.assess("no apples " + "word " * 10 + "apple").level is Level.CONCERN


def test_unless_after_looks_only_forwards_and_further(tmp_path: Path) -> None:
    screener = load_rules(
        _write_rules(
            tmp_path,
            """
spec_version: 1
rules:
  - id: test.sad
    category: low_mood
    level: concern
    patterns: ['\\bsad\\b']
    unless_after: ['\\bbut im ok\\b']
""",
        )
    )
    assert screener.assess("sad " + "word " * 12 + "but im ok").level is Level.NONE
    assert screener.assess("sad " + "word " * 30 + "but im ok").level is Level.CONCERN
    assert screener.assess("but im ok. sad").level is Level.CONCERN


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("category: nope\n    level: concern\n    patterns: ['\\bx']", "unknown category"),
        ("category: low_mood\n    level: none\n    patterns: ['\\bx']", "level must be"),
        ("category: low_mood\n    level: concern\n    patterns: ['\\b(x']", "invalid pattern"),
        ("category: low_mood\n    level: concern\n    patterns: ['\\b{nope}']", "{nope}"),
        ("category: low_mood\n    level: concern\n    patterns: ['x']", "must start with"),
        ("category: low_mood\n    level: concern\n    patterns: ['\\b(?:a+)+b']", "exponential"),
        ("category: low_mood\n    level: concern\n    patterns: []", "non-empty list"),
        (
            "category: low_mood\n    level: concern\n    patterns: ['\\bx']\n    colour: red",
            "colour",
        ),
        ("category: low_mood\n    level: concern", "missing field patterns"),
    ],
)
def test_a_malformed_rule_names_the_file_and_the_rule(
    tmp_path: Path, rule: str, message: str
) -> None:
    _write_rules(tmp_path, f"spec_version: 1\nrules:\n  - id: test.broken\n    {rule}\n")
    with pytest.raises(RulesError) as error:
        load_rules(tmp_path)
    assert "test_rules.yaml: rule test.broken" in str(error.value)
    assert message in str(error.value)


def test_a_duplicate_rule_id_is_refused(tmp_path: Path) -> None:
    rule = (
        "  - id: test.same\n    category: low_mood\n    level: concern\n    patterns: ['\\bx']\n"
    )
    _write_rules(tmp_path, "spec_version: 1\nrules:\n" + rule + rule)
    with pytest.raises(RulesError, match=r"test\.same: id already used"):
        load_rules(tmp_path)


def test_a_rule_file_without_spec_version_is_refused(tmp_path: Path) -> None:
    _write_rules(tmp_path, "rules: []\n")
    with pytest.raises(RulesError, match=r"test_rules\.yaml: spec_version must be 1"):
        load_rules(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "he said he will kill me if i tell anyone lol",
        "my stepdad said he will kill me if i report him",
        "they make me go country and carry stuff for them",
        "i miss my mum, contact keeps getting cancelled",
        "my carer hits me, its abuse",
        # The idiom of a close person's threat stays a threat when anything makes it real.
        "my boyfriend will kill me if i leave him",
        "my dad will kill me if i go home tonight",
        "my brother will kill me if i dont pay him back",
        "my mum will murder me when she finds out, last time she hit me",
        # Sadness that lasts, or comes with being alone, is not coped with.
        "i feel sad all the time but im ok",
        "since my dog died i cry every night and dont eat",
        "i miss my mum so much but we text",
        "im sad my best friend moved away, now im on my own every break",
        "i felt left out at the party and i cry every night about it",
        # A joke marker does not cancel what is said to be meant, nor an adult's secret.
        "kms if i fail my exams lol not joking ive got the pills",
        "ill jump off the bridge if they move me again lol",
        "i want to kill myself lol",
        "my uncle will kill me if i tell anyone our secret",
        "i burnt my arm on the cooker on purpose",
        "my stepdad burnt my hand on the cooker",
        "oh great another new social worker, she wont care that he hits me either",
    ],
)
def test_the_idiom_cancels_leave_real_disclosures_flagged(text: str) -> None:
    assert default_rules().assess(text).level is not Level.NONE
