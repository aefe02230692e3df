"""Measure the sentiment reading against answers labelled by someone who never saw it.

`benchmarks/data/sentiment_answers.tsv` holds 313 invented answers to review questions
(children 6-17 and parents), each labelled positive, negative, mixed or neutral by the
helper who wrote them, blind to TextBlob and to this code. This prints how TextBlob's
polarity, as `sentiment_word` words it, agrees with those labels:

    .venv/bin/python -m benchmarks.sentiment

The record stopped showing "leans positive/negative" because of these figures (see
feedback_reports/text_signals.py). A new reading must beat them on this file, and then on
a new set it has never seen.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from feedback_reports.text_signals import polarity, sentiment_word

ANSWERS = Path(__file__).parent / "data" / "sentiment_answers.tsv"
LABELS = ("positive", "negative", "mixed", "neutral")
READINGS = ("leans positive", "neutral", "leans negative")


def main() -> None:
    with ANSWERS.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    table: Counter[tuple[str, str | None]] = Counter(
        (row["label"], sentiment_word(polarity(row["text"]))) for row in rows
    )
    print(f"{len(rows)} answers; rows labelled by their writer, columns read by TextBlob")
    print(f"{'':10}" + "".join(f"{reading:>16}" for reading in READINGS))
    for label in LABELS:
        print(f"{label:10}" + "".join(f"{table[(label, r)]:>16}" for r in READINGS))
    polar = sum(table[(label, r)] for label in ("positive", "negative") for r in READINGS)
    right = table[("positive", "leans positive")] + table[("negative", "leans negative")]
    opposite = table[("positive", "leans negative")] + table[("negative", "leans positive")]
    shown = sum(table[(label, r)] for label in LABELS for r in READINGS if r != "neutral")
    negative = sum(table[("negative", r)] for r in READINGS)
    print(
        f"positive or negative answers read the right way: {right}/{polar} = {right / polar:.2f}"
    )
    print(f"read the opposite way: {opposite}/{polar} = {opposite / polar:.2f}")
    print(f"a 'leans' label shown that is right: {right}/{shown} = {right / shown:.2f}")
    caught = table[("negative", "leans negative")]
    print(f"negative answers read as negative: {caught}/{negative} = {caught / negative:.2f}")


if __name__ == "__main__":
    main()
