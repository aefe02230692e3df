"""Safeguarding screening: find disclosures of harm in a participant's own words.

Every free-text answer is screened before anything else (DESIGN.md, principle 4), in
layers (see `screener.py`): normalisation of how children write (text-speak, emoji,
misspellings), curated rules kept as data in `conversations/safeguarding_rules/` that a
safeguarding officer can read and change, and a linear classifier trained on the corpus in
`conversations/safeguarding_corpus/` and shipped as plain JSON in
`conversations/safeguarding_model/`.

    >>> assess("my step dad hits me").to_json_dict()
    {'level': 'urgent', 'categories': ['physical_abuse']}

Screening errs towards flagging: an IRO reading a false alarm costs minutes, a missed
disclosure can cost a child. Rule ids and classifier reasons (never the message) say why
something was flagged.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from conversations.safeguarding.classifier import ModelError, load_classifier
from conversations.safeguarding.lexicons import load_lexicons
from conversations.safeguarding.model import (
    CATEGORIES,
    PARENT_CATEGORIES,
    Assessment,
    Level,
    ScreeningContext,
)
from conversations.safeguarding.rules import RulesError, RuleSet, load_rules
from conversations.safeguarding.screener import Screener

MODEL_FILE = "classifier.json"

__all__ = [
    "CATEGORIES",
    "PARENT_CATEGORIES",
    "Assessment",
    "Level",
    "ModelError",
    "RuleSet",
    "RulesError",
    "Screener",
    "ScreeningContext",
    "assess",
    "default_rules",
    "default_screener",
    "load_rules",
]


@cache
def default_rules() -> RuleSet:
    """Load the packaged rules once, on first use, and keep them."""
    return load_rules(files("conversations") / "safeguarding_rules")


@cache
def default_screener() -> Screener:
    """Load the packaged rules and classifier once, on first use, and keep them."""
    model = files("conversations") / "safeguarding_model" / MODEL_FILE
    return Screener(default_rules(), load_classifier(model), load_lexicons())


def assess(text: str, context: ScreeningContext | None = None) -> Assessment:
    """Screen one message with every layer of the packaged screener."""
    return default_screener().assess(text, context)
