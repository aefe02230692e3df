"""How well screening does on labelled messages: the figures `mysay screen --evaluate` prints.

- urgent recall: urgent messages screened as urgent;
- urgent flagged: urgent messages screened at any level (a person reads them);
- concern flagged: concern messages screened at any level;
- false flags: harmless messages screened as concern or urgent;
- the confusion matrix (labelled level by screened level) and, per category, the share
  of messages labelled with it that were flagged and named it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from conversations.safeguarding.labelled import LabelledMessage
from conversations.safeguarding.model import Assessment, Level, ScreeningContext
from conversations.safeguarding.screener import flagging_layer

Screen = Callable[[str, ScreeningContext], Assessment]


@dataclass(frozen=True)
class CategoryRecall:
    """For one category: how many labelled, how many flagged, how many named it."""

    labelled: int
    flagged: int
    named: int


@dataclass(frozen=True)
class Evaluation:
    """Figures for one labelled set."""

    total: int
    confusion: dict[tuple[Level, Level], int]
    categories: dict[str, CategoryRecall]
    misses: tuple[tuple[LabelledMessage, Assessment], ...] = field(repr=False)

    def count(self, labelled: Level) -> int:
        """How many messages carry this label."""
        return sum(n for (label, _), n in self.confusion.items() if label is labelled)

    def share(self, labelled: Level, screened: Callable[[Level], bool]) -> float | None:
        """The share of messages labelled `labelled` whose screened level passes `screened`."""
        total = self.count(labelled)
        if not total:
            return None
        hits = sum(
            n for (label, got), n in self.confusion.items() if label is labelled and screened(got)
        )
        return hits / total

    @property
    def urgent_recall(self) -> float | None:
        """Urgent messages screened as urgent."""
        return self.share(Level.URGENT, lambda got: got is Level.URGENT)

    @property
    def urgent_flagged(self) -> float | None:
        """Urgent messages screened at any level."""
        return self.share(Level.URGENT, lambda got: got is not Level.NONE)

    @property
    def concern_flagged(self) -> float | None:
        """Concern messages screened at any level."""
        return self.share(Level.CONCERN, lambda got: got is not Level.NONE)

    @property
    def false_flags(self) -> float | None:
        """Harmless messages screened as concern or urgent."""
        return self.share(Level.NONE, lambda got: got is not Level.NONE)

    @property
    def false_flag_layers(self) -> Counter[str]:
        """How many harmless messages each layer flagged (`flagging_layer`'s names): which
        layer to look at first, without reading a message."""
        return Counter(
            flagging_layer(assessment.rules)
            for message, assessment in self.misses
            if message.level is Level.NONE
        )


def evaluate(messages: Sequence[LabelledMessage], screen: Screen) -> Evaluation:
    """Screen every message and compare with its labels."""
    confusion: Counter[tuple[Level, Level]] = Counter()
    labelled: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    named: Counter[str] = Counter()
    misses = []
    for message in messages:
        assessment = screen(message.text, message.context)
        confusion[(message.level, assessment.level)] += 1
        raised = assessment.level is not Level.NONE
        for category in message.categories:
            labelled[category] += 1
            flagged[category] += raised
            named[category] += raised and category in assessment.categories
        if _missed(message.level, assessment.level):
            misses.append((message, assessment))
    return Evaluation(
        total=len(messages),
        confusion=dict(confusion),
        categories={
            name: CategoryRecall(labelled[name], flagged[name], named[name])
            for name in sorted(labelled)
        },
        misses=tuple(misses),
    )


def combine(results: Sequence[Evaluation]) -> Evaluation:
    """Add the figures of several evaluations up into one."""
    confusion: Counter[tuple[Level, Level]] = Counter()
    labelled: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    named: Counter[str] = Counter()
    for result in results:
        confusion.update(result.confusion)
        for name, recall in result.categories.items():
            labelled[name] += recall.labelled
            flagged[name] += recall.flagged
            named[name] += recall.named
    return Evaluation(
        total=sum(result.total for result in results),
        confusion=dict(confusion),
        categories={
            name: CategoryRecall(labelled[name], flagged[name], named[name])
            for name in sorted(labelled)
        },
        misses=tuple(miss for result in results for miss in result.misses),
    )


def _missed(label: Level, got: Level) -> bool:
    if label is Level.URGENT:
        return got is not Level.URGENT
    if label is Level.CONCERN:
        return got is Level.NONE
    return got is not Level.NONE


def report_lines(name: str, result: Evaluation) -> list[str]:
    """The figures as lines of plain text, for a terminal or a closing note."""

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    counts = ", ".join(f"{level}: {result.count(level)}" for level in Level)
    layers = ", ".join(f"{layer} {n}" for layer, n in sorted(result.false_flag_layers.items()))
    lines = [
        f"{name}: {result.total} messages ({counts})",
        f"  urgent recall (screened urgent)   {pct(result.urgent_recall)}",
        f"  urgent flagged at any level       {pct(result.urgent_flagged)}",
        f"  concern flagged at any level      {pct(result.concern_flagged)}",
        f"  false flags on harmless messages  {pct(result.false_flags)}",
        f"    by layer: {layers or '-'}",
        "  confusion (rows labelled, columns screened):",
        "    " + " " * 9 + "".join(f"{level:>9}" for level in Level),
    ]
    for label in Level:
        row = "".join(f"{result.confusion.get((label, got), 0):>9}" for got in Level)
        lines.append(f"    {label:>9}{row}")
    lines.append("  per category: labelled, flagged at any level, category named")
    for category, recall in result.categories.items():
        lines.append(f"    {category:<28}{recall.labelled:>5}{recall.flagged:>6}{recall.named:>6}")
    return lines
