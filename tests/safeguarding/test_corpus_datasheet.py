"""The datasheet's figures are the corpus's: recounted from the files, so adding a part
without updating the datasheet fails here rather than misleading its reader."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conversations.safeguarding.labelled import LabelledMessage, read_all
from conversations.safeguarding.model import Level

CORPUS = Path(__file__).resolve().parents[2] / "conversations" / "safeguarding_corpus"
DATASHEET = (CORPUS / "DATASHEET.md").read_text(encoding="utf-8")
# The shapes the datasheet names, as it words them.
SHAPES = {
    "plain": "plain",
    "textspeak": "text-speak",
    "misspelling": "misspelling",
    "long_mixed": "long mixed messages with\none disclosure in them",
    "emoji": "emoji",
    "third_person": "third person",
    "sarcasm": "sarcasm",
    "coded": "coded\nself-harm words",
    "euphemism": "euphemism",
    "hypothetical": "hypotheticals",
}


@pytest.fixture(scope="module")
def corpus() -> list[LabelledMessage]:
    return read_all(sorted(CORPUS.glob("*.tsv")))


def _said(figure: str) -> bool:
    """Whether the datasheet says this, however its lines are wrapped."""
    return " ".join(figure.split()) in " ".join(DATASHEET.split())


def test_size_levels_and_authors(corpus: list[LabelledMessage]) -> None:
    files = len(list(CORPUS.glob("*.tsv")))
    assert _said(f"{len(corpus):,} labelled messages in {files} TSV files")
    levels = Counter(m.level for m in corpus)
    for level in Level:
        assert _said(f"| {level.value} | {levels[level]:,}"), level
    authors = Counter(m.author for m in corpus)
    assert _said(
        f"| written by a child / parent / carer | {authors['child']:,} / "
        f"{authors['parent']:,} / {authors['carer']:,} |"
    )


def test_childrens_ages(corpus: list[LabelledMessage]) -> None:
    ages = Counter(m.age for m in corpus if m.author == "child")
    assert _said(", ".join(f"{ages[age]:,}" for age in range(6, 18)) + " |")


def test_categories_and_shapes(corpus: list[LabelledMessage]) -> None:
    categories = Counter(c for m in corpus for c in m.categories)
    fewest, count = min(categories.items(), key=lambda item: item[1])
    assert _said(f"(fewest: {fewest}, {count:,})")
    for parents in ("worry_about_plan", "conflict_with_service"):
        assert _said(f"`{parents}` {categories[parents]:,}"), parents
    shapes = Counter(m.shape for m in corpus)
    for shape, words in SHAPES.items():
        assert _said(f"{words} ({shapes[shape]:,})"), shape
