"""Safeguarding screening: find disclosures of harm in a participant's own words.

Every free-text answer is screened before anything else (DESIGN.md, principle 4).
Sentiment scores miss most disclosures, so screening uses curated, reviewed rules kept
as data in `conversations/safeguarding_rules/`: a participation or safeguarding officer
can read and change them without touching Python.

    >>> assess("my step dad hits me").to_json_dict()
    {'level': 'urgent', 'categories': ['physical_abuse']}

Screening errs towards flagging: an IRO reading a false alarm costs minutes, a missed
disclosure can cost a child. Rule ids (never the message) say why something was flagged.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from conversations.safeguarding.model import CATEGORIES, Assessment, Level
from conversations.safeguarding.rules import RulesError, Screener, load_screener

__all__ = [
    "CATEGORIES",
    "Assessment",
    "Level",
    "RulesError",
    "Screener",
    "assess",
    "default_screener",
    "load_screener",
]


@cache
def default_screener() -> Screener:
    """Load the packaged rules once, on first use, and keep them."""
    return load_screener(files("conversations") / "safeguarding_rules")


def assess(text: str) -> Assessment:
    """Screen one message with the packaged rules."""
    return default_screener().assess(text)
