"""Every text in every current flow is translated, with English's placeholders and emoji.

The texts are found by the same walk `mysay flows check` makes (`conversations.translations`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conversations.catalogue import DEFAULT_LOCALE
from conversations.flow_check import FLOWS_DIR, load_flow
from conversations.translations import flow_texts, missing_translations

# The languages the flows are translated into, besides English (the source).
LANGUAGES = ("cy", "pl", "uk", "ar")
FLOW_FILES = sorted(FLOWS_DIR.glob("*.yaml"))
# What a text starts with before its first word: a face, a house, stars.
LEADING_SYMBOLS = re.compile(r"[^\w\s]*")


def leading_symbols(text: str) -> str:
    found = LEADING_SYMBOLS.match(text)
    return found[0] if found else ""


def where(step: str | None, field: str) -> str:
    return f"steps[{step}].{field}" if step else field


def test_the_walk_finds_every_kind_of_text() -> None:
    flow = load_flow(FLOWS_DIR / "child_before_review.yaml")
    places = [where(text.step, text.field) for text in flow_texts(flow)]
    assert {"title", "summary", "thanks"} <= set(places)
    for expected in (
        "steps[welcome].text",
        "steps[welcome].variants.0.text",
        "steps[home_feel].options.0.label",
        "steps[home_feel].replies.unhappy",
        "steps[advocate].request.seen",
    ):
        assert expected in places


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda path: path.stem)
def test_every_text_is_translated_with_the_same_placeholders(path: Path, language: str) -> None:
    flow = load_flow(path)
    problems = [
        f"{where(step, field)}: {problem}"
        for step, field, problem in missing_translations(flow, language)
    ]
    for text in flow_texts(flow):
        translated = text.by_locale.get(language, "")
        english = text.by_locale[DEFAULT_LOCALE]
        if translated.strip() and leading_symbols(translated) != leading_symbols(english):
            problems.append(f"{where(text.step, text.field)}: does not start with English's emoji")
    assert problems == []
