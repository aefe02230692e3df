"""Screening measured on labelled messages: the shared dev set and our own held-out set.

The dev set lives beside the repository (`../shared/data/`), in CI too. The held-out set
(`heldout.tsv`, next to this file) was written before the dev set was looked at, to
check that the rules are not tuned to the dev set's sentences; it is a regression set
now. Run with `-s` to see the measured figures.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from conversations.safeguarding import Level, assess

# tests/safeguarding/<this file> -> parents[2] is the repository; shared/ sits beside it.
DEV_SET = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "safeguarding_dev.tsv"
HELD_OUT_SET = Path(__file__).resolve().parent / "heldout.tsv"

MIN_URGENT_RECALL = 0.95
MIN_CONCERN_RECALL = 0.80
MAX_FALSE_POSITIVE_RATE = 0.05
MIN_CATEGORY_AGREEMENT = 0.90


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    level: Level
    text: str
    category: str | None = None


@dataclass(frozen=True)
class Figures:
    """Recall and false-positive rate of screening over a set of examples."""

    urgent_recall: float
    concern_recall: float
    false_positive_rate: float
    misses: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"urgent recall {self.urgent_recall:.3f}, "
            f"concern-or-urgent recall on concern {self.concern_recall:.3f}, "
            f"none flagged {self.false_positive_rate:.3f}"
        )


def read_examples(path: Path) -> list[Example]:
    """Read a TSV with a `level` and a `text` column (and maybe `category`)."""
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        Example(
            Level(row["level"]),
            row["text"],
            category=None if row.get("category") in (None, "-") else row["category"],
        )
        for row in rows
    ]


def measure(examples: list[Example]) -> Figures:
    """Screen every example and compare with its label."""
    outcomes: dict[Level, list[bool]] = {level: [] for level in Level}
    misses = []
    for example in examples:
        level = assess(example.text).level
        if example.level is Level.URGENT:
            right = level is Level.URGENT
        elif example.level is Level.CONCERN:
            right = level >= Level.CONCERN
        else:
            right = level is Level.NONE
        outcomes[example.level].append(right)
        if not right:
            misses.append(f"expected {example.level}, got {level}: {example.text}")

    def rate(results: list[bool]) -> float:
        return sum(results) / len(results)

    return Figures(
        urgent_recall=rate(outcomes[Level.URGENT]),
        concern_recall=rate(outcomes[Level.CONCERN]),
        false_positive_rate=1 - rate(outcomes[Level.NONE]),
        misses=tuple(misses),
    )


def assert_good_enough(name: str, figures: Figures) -> None:
    """Print the figures and check them against the thresholds."""
    print(f"\n{name}: {figures}")
    for miss in figures.misses:
        print(f"  {miss}")
    assert figures.urgent_recall >= MIN_URGENT_RECALL, figures
    assert figures.concern_recall >= MIN_CONCERN_RECALL, figures
    assert figures.false_positive_rate <= MAX_FALSE_POSITIVE_RATE, figures


@pytest.fixture(scope="module")
def dev_examples() -> list[Example]:
    if not DEV_SET.is_file():
        message = f"safeguarding dev set not found at {DEV_SET}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return read_examples(DEV_SET)


def test_the_dev_set_has_every_level(dev_examples: list[Example]) -> None:
    levels = {example.level for example in dev_examples}
    assert levels == set(Level)


def test_screening_meets_the_thresholds_on_the_dev_set(dev_examples: list[Example]) -> None:
    assert_good_enough("dev set", measure(dev_examples))


def test_screening_meets_the_thresholds_on_the_held_out_set() -> None:
    examples = read_examples(HELD_OUT_SET)
    assert len(examples) >= 120
    assert_good_enough("held-out set", measure(examples))


def test_flagged_held_out_messages_get_the_expected_category() -> None:
    flagged = [example for example in read_examples(HELD_OUT_SET) if example.category]
    agreeing = sum(example.category in assess(example.text).categories for example in flagged)
    agreement = agreeing / len(flagged)
    print(f"\nheld-out set: expected category found for {agreement:.3f} of flagged messages")
    assert agreement >= MIN_CATEGORY_AGREEMENT
