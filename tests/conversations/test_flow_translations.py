"""Every text in every current flow is translated, with English's placeholders and emoji."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conversations.flow_check import FLOWS_DIR

# The languages the flows are translated into, besides English (the source).
LANGUAGES = ("cy", "pl", "uk", "ar")
FLOW_FILES = sorted(FLOWS_DIR.glob("*.yaml"))
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# What a text starts with before its first word: a face, a house, stars.
LEADING_SYMBOLS = re.compile(r"[^\w\s]*")


def language_maps(node: Any, where: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield every per-language map (a mapping with English text) in a flow file, by place."""
    if isinstance(node, dict):
        if isinstance(node.get("en"), str):
            yield where, node
            return
        for key, value in node.items():
            yield from language_maps(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            name = item.get("id") if isinstance(item, dict) else None
            yield from language_maps(item, f"{where}[{name or index}]")


def leading_symbols(text: str) -> str:
    found = LEADING_SYMBOLS.match(text)
    return found[0] if found else ""


def texts(path: Path) -> list[tuple[str, dict[str, str]]]:
    return list(language_maps(yaml.safe_load(path.read_text("utf-8")), ""))


def test_the_walk_finds_every_kind_of_text() -> None:
    places = [where for where, _ in texts(FLOWS_DIR / "child_before_review.yaml")]
    assert {"title", "summary", "thanks"} <= set(places)
    for expected in (
        "steps[welcome].text",
        "steps[welcome].variants[0].text",
        "steps[home_feel].options[very_unhappy].label",
        "steps[home_feel].replies.unhappy",
        "steps[advocate].request.seen",
    ):
        assert expected in places


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda path: path.stem)
def test_every_text_is_translated_with_the_same_placeholders(path: Path, language: str) -> None:
    problems = []
    for where, text in texts(path):
        translated = text.get(language, "")
        english = text["en"]
        if not translated.strip():
            problems.append(f"{where}: no {language} text")
        elif sorted(PLACEHOLDER.findall(translated)) != sorted(PLACEHOLDER.findall(english)):
            problems.append(f"{where}: placeholders differ from English")
        elif leading_symbols(translated) != leading_symbols(english):
            problems.append(f"{where}: does not start with English's emoji")
    assert problems == []
