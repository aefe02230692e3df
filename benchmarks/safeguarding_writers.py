"""Measure the whole screener on each corpus writer's messages, trained without them.

The corpus (`conversations/safeguarding_corpus/`) was written by several writers, one per
part (`part3_*.tsv` is part 3's). For each writer in turn this trains the classifier on the
others, exactly as `mysay safeguarding train` does (thresholds chosen on writers it learnt
from), and screens the writer's messages with the rules and that model. A model always
reads its own writer's messages more confidently than a stranger's, and children are
strangers: these are the figures to compare changes by, beside the blind sets.

    .venv/bin/python -m benchmarks.safeguarding_writers [part1 part2 ...]

It trains once per writer (about three minutes each on a quiet two-core machine).
"""

from __future__ import annotations

import sys
from pathlib import Path

from conversations.safeguarding import default_rules
from conversations.safeguarding.evaluation import Evaluation, combine, report_lines
from conversations.safeguarding.labelled import read_all
from conversations.safeguarding.training import cross_validate

CORPUS = Path(__file__).resolve().parents[1] / "conversations" / "safeguarding_corpus"


def _row(name: str, result: Evaluation) -> str:
    figures = (
        result.urgent_recall,
        result.urgent_flagged,
        result.concern_flagged,
        result.false_flags,
    )
    shown = "".join(f"{'n/a' if x is None else f'{x:.3f}':>9}" for x in figures)
    return f"{name:<10}{result.total:>6}{shown}"


def main() -> None:
    messages = read_all(sorted(CORPUS.glob("*.tsv")))
    results = cross_validate(messages, default_rules(), sys.argv[1:])
    print(f"{'writer':<10}{'msgs':>6}{'urg rec':>9}{'urg flag':>9}{'con flag':>9}{'false':>9}")
    for writer, result in results.items():
        print(_row(writer, result))
    print("\n".join(report_lines("all writers left out in turn", combine(list(results.values())))))


if __name__ == "__main__":
    main()
