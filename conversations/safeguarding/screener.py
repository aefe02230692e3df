"""One screener in layers: normalisation, the reviewed rules, and a learned classifier.

How the layers combine, so that a disclosure is never lost between them:

- a strong signal from any layer raises the level: the result is the higher of the rules'
  level and the classifier's;
- an uncertain signal from the classifier becomes a concern, so a person reads it; it never
  drops silently to none;
- idioms and jokes lower a level, never an explicit disclosure: the rules' `unless`
  patterns cancel a match only around the words that matched ("mum will murder me lol"),
  so a disclosure elsewhere in the message still matches; and when the rules recognised
  an idiom and matched nothing, the classifier's level is lowered by one step (urgent to
  concern, so a person still reads it; concern to none). Nothing lowers what a rule found;
- a parent's or carer's own worry about the plan, or conflict with the service, is named as
  a category but is not a risk to the child, so it never raises the level;
- words in another language are matched against every language's urgent lexicon, and words
  the English layers cannot read and no lexicon matched are a concern ("not screened:
  language"), so a person reads them (see `lexicons.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations.safeguarding.classifier import LinearClassifier
from conversations.safeguarding.lexicons import NOT_SCREENED, Lexicons
from conversations.safeguarding.model import (
    PARENT_CATEGORIES,
    Assessment,
    Level,
    ScreeningContext,
)
from conversations.safeguarding.rules import RuleSet
from conversations.typed_answers import is_button_word

CLASSIFIER_REASON = "classifier"
UNSURE_REASON = "uncertain.classifier"


@dataclass(frozen=True)
class Screener:
    """Screen a message with every layer and explain the result."""

    ruleset: RuleSet
    classifier: LinearClassifier | None
    lexicons: Lexicons | None = None

    def assess(self, text: str, context: ScreeningContext | None = None) -> Assessment:
        """Return the level, categories and reasons for one message written in `context`."""
        context = context or ScreeningContext()
        if is_button_word(text):
            # The bot's own words typed alone ("back", "stop", "skip") are never a
            # disclosure, though a classifier reading one word can make "stop" look like one.
            return Assessment()
        in_english = self._assess_english(text, context)
        if self.lexicons is None:
            return in_english
        other = self.lexicons.assess(text, context.language)
        return Assessment(
            level=max(in_english.level, other.level),
            categories=tuple(sorted({*in_english.categories, *other.categories})),
            rules=tuple(sorted({*in_english.rules, *other.rules})),
        )

    def _assess_english(self, text: str, context: ScreeningContext) -> Assessment:
        normalised = self.ruleset.normalise(text)
        findings = self.ruleset.match(normalised, context.author)
        by_rules = findings.assessment
        if self.classifier is None or not normalised:
            return by_rules
        verdict = self.classifier.predict(normalised, context)
        if findings.recognised_idiom and by_rules.level is Level.NONE:
            verdict = verdict.lowered()
        named = set(verdict.categories)
        risks = named - PARENT_CATEGORIES
        parent_worries = named & PARENT_CATEGORIES if context.is_parent else set()
        level = verdict.level
        if parent_worries and not risks:
            level = Level.NONE
        reasons = set(by_rules.rules)
        categories = set(by_rules.categories) | parent_worries
        if level > by_rules.level:
            if verdict.unsure:
                reasons.add(UNSURE_REASON)
            reasons |= {f"{CLASSIFIER_REASON}.{name}" for name in risks or {"unspecified"}}
        if level is not Level.NONE:
            # The classifier may name a category the rules missed (a sexual situation the
            # rules read as neglect), which the reader of the flag should see.
            categories |= risks
        return Assessment(
            level=max(level, by_rules.level),
            categories=tuple(sorted(categories)),
            rules=tuple(sorted(reasons)),
        )


def _split_reasons(reasons: tuple[str, ...] | list[str]) -> tuple[list[str], list[str]]:
    """The rules that matched, and the categories the classifier named, in a flag's reasons."""
    rules = [
        reason
        for reason in reasons
        if not reason.startswith((CLASSIFIER_REASON, "uncertain.")) and reason != NOT_SCREENED
    ]
    learned = [
        reason.split(".", 1)[1].replace("_", " ")
        for reason in reasons
        if reason.startswith(f"{CLASSIFIER_REASON}.")
    ]
    return rules, learned


def flagging_layer(reasons: tuple[str, ...] | list[str]) -> str:
    """Which layer raised a flag, for counting where false flags come from.

    >>> flagging_layer(["classifier.low_mood", "uncertain.classifier"])
    'classifier unsure'
    """
    rules, learned = _split_reasons(reasons)
    if rules and learned:
        return "both"
    if rules:
        return "rules"
    if learned:
        return "classifier unsure" if UNSURE_REASON in reasons else "classifier"
    return "language" if NOT_SCREENED in reasons else "unspecified"


def describe_reasons(reasons: tuple[str, ...] | list[str]) -> str:
    """Say in words why screening flagged a message, for the person who reads the flag.

    >>> describe_reasons(["classifier.sexual_abuse", "neglect.no_food"])
    'rule neglect.no_food; classifier (sexual abuse)'
    """
    rules, learned = _split_reasons(reasons)
    parts = [f"rule {rule}" for rule in rules]
    if NOT_SCREENED in reasons:
        parts.append(NOT_SCREENED)
    if learned:
        unsure = ", unsure: please read" if UNSURE_REASON in reasons else ""
        parts.append(f"classifier ({', '.join(learned)}{unsure})")
    return "; ".join(parts) or "unspecified"
