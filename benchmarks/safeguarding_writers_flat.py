"""A quicker out-of-fold measure of the whole screener, each corpus writer left out in turn.

`benchmarks/safeguarding_writers` trains the shipped way once per writer, with its own
writers left out again inside to choose thresholds: about twelve level models and
seventeen category models per writer, which took eleven minutes a writer on the loaded
shared machine in round seven (blind/README.md). This variant fits one level model per
writer left out, chooses each writer's thresholds (`choose_thresholds`) on the other
writers' out-of-fold probabilities, and borrows the category models of a given model
file, so it runs in about a tenth of the time. Its figures compare with each other (before
and after a change, measured the same way), not with the nested benchmark's.

    .venv/bin/python -m benchmarks.safeguarding_writers_flat \
        [--rules DIR] [--categories-from MODEL.json] [--without part12 ...] [--apart part12 ...]

`--rules` screens and normalises with another rules folder (a change's "before"),
`--without` leaves writers out of the corpus altogether, and `--apart` trains on writers
and prints their rows but keeps them out of the combined figures (so that the writers a
"before" had can be compared on their own).
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from benchmarks.safeguarding_writers import CORPUS, _row
from conversations.safeguarding.classifier import (
    LEVEL_ORDER,
    LinearClassifier,
    Thresholds,
    load_classifier,
)
from conversations.safeguarding.evaluation import Evaluation, combine, evaluate, report_lines
from conversations.safeguarding.features import document
from conversations.safeguarding.labelled import LabelledMessage, read_all
from conversations.safeguarding.rules import RuleSet, load_rules
from conversations.safeguarding.screener import Screener
from conversations.safeguarding.training import (
    LEVEL_C,
    TrainedModel,
    _logistic,
    _rounded,
    _weighted_vectoriser,
    choose_thresholds,
    write_model,
)

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_RULES = ROOT / "conversations" / "safeguarding_rules"
SHIPPED_MODEL = ROOT / "conversations" / "safeguarding_model" / "classifier.json"
# Replaced per writer by `choose_thresholds` before anything is screened.
UNCHOSEN = Thresholds(urgent=0.5, concern=0.5, unsure_urgent=0.5, category=0.5)


def _fold_model(
    docs: list[str], labels: np.ndarray, learnt: np.ndarray, categories: LinearClassifier
) -> tuple[TrainedModel, TfidfVectorizer, LogisticRegression]:
    """A level model fitted on `learnt`, with `categories`' category weights per feature."""
    vectoriser = _weighted_vectoriser([docs[i] for i in learnt])
    model = _logistic(LEVEL_C).fit(vectoriser.transform([docs[i] for i in learnt]), labels[learnt])
    names = vectoriser.get_feature_names_out().tolist()
    width = len(categories.categories)
    borrowed = [
        categories.weights_of(name)[3:] if name in categories.index else np.zeros(width)
        for name in names
    ]
    trained = TrainedModel(
        features=names,
        idf=_rounded(vectoriser.idf_),
        level_weights=[_rounded(row) for row in model.coef_.T],
        level_bias=_rounded(model.intercept_),
        categories=list(categories.categories),
        category_weights=[_rounded(np.asarray(row, dtype=float)) for row in borrowed],
        category_bias=_rounded(np.array(categories.bias[3:])),
        thresholds=UNCHOSEN,
        corpus_size=len(learnt),
    )
    return trained, vectoriser, model


def measure(
    messages: list[LabelledMessage], rules: RuleSet, categories: LinearClassifier
) -> tuple[dict[str, Evaluation], np.ndarray]:
    """Screen each writer's messages with rules and a level model that never saw them; the
    level model's out-of-fold probabilities beside."""
    docs = [document(rules.normalise(m.text), m.context) for m in messages]
    labels = np.array([LEVEL_ORDER.index(m.level) for m in messages])
    writers = np.array([m.writer for m in messages])
    probabilities = np.zeros((len(docs), len(LEVEL_ORDER)))
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for writer in sorted(set(writers)):
            held_out = np.where(writers == writer)[0]
            trained, vectoriser, model = _fold_model(
                docs, labels, np.where(writers != writer)[0], categories
            )
            probabilities[held_out] = model.predict_proba(
                vectoriser.transform([docs[i] for i in held_out])
            )
            write_model(trained, Path(folder) / f"{writer}.json")
        for writer in sorted(set(writers)):
            others = writers != writer
            thresholds = choose_thresholds(probabilities[others], labels[others])
            classifier = load_classifier(Path(folder) / f"{writer}.json")
            screener = Screener(rules, replace(classifier, thresholds=thresholds))
            results[writer] = evaluate(
                [m for m in messages if m.writer == writer], screener.assess
            )
    return results, probabilities


def ranking_lines(probabilities: np.ndarray, messages: list[LabelledMessage]) -> list[str]:
    """How well the level model alone orders risks above harmless messages, whatever the
    thresholds: the share of harmless messages scored at least as high as the urgent (or
    flagged) message at each share of recall. Thresholds are chosen from all writers'
    probabilities, so a change of corpus moves them too; this compares the orderings."""
    levels = np.array([LEVEL_ORDER.index(m.level) for m in messages])
    harmless = levels == 0
    lines = ["level model alone, out of fold, harmless scored as high (lower is better):"]
    scores = (
        ("urgent by P(urgent)", probabilities[:, 2], levels == 2),
        ("risks by P(concern or urgent)", probabilities[:, 1] + probabilities[:, 2], levels > 0),
    )
    for name, score, positive in scores:
        ranked = np.sort(score[positive])[::-1]
        shares = []
        for recall in (0.7, 0.8, 0.9):
            threshold = ranked[int(np.ceil(recall * len(ranked))) - 1]
            shares.append(
                f"{recall:.0%} caught: {float((score[harmless] >= threshold).mean()):.3f}"
            )
        lines.append(f"  {name:<32}" + "   ".join(shares))
    return lines


# Where the shipped threshold on P(concern or urgent) sits (0.693 in round ten) lies among these.
TRADE_OFF_POINTS = (0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)


def trade_off_lines(
    probabilities: np.ndarray, messages: list[LabelledMessage], rules: RuleSet
) -> list[str]:
    """What flagging at any level costs in false flags, rules and level model together:
    a message is flagged when a rule fires or P(concern or urgent) reaches the point. This
    shows how far apart the goals are (false flags 0.05, urgent flagged 0.97, concern
    flagged 0.85) for this kind of model, whatever thresholds are chosen."""
    levels = np.array([LEVEL_ORDER.index(m.level) for m in messages])
    by_rules = np.array(
        [
            bool(rules.match(rules.normalise(m.text), m.context.author).assessment.rules)
            for m in messages
        ]
    )
    risk = probabilities[:, 1] + probabilities[:, 2]

    def shares(point: str, flagged: np.ndarray) -> str:
        harmless, urgent, concern = (flagged[levels == level].mean() for level in (0, 2, 1))
        return f"  {point:<32}{harmless:>12.3f}{urgent:>8.3f}{concern:>9.3f}"

    return [
        "rules and level model together, out of fold, flagged at any level:",
        f"  {'P(concern or urgent) at least':<32}{'false flags':>12}{'urgent':>8}{'concern':>9}",
        shares("(rules alone)", by_rules),
        *(shares(str(point), by_rules | (risk >= point)) for point in TRADE_OFF_POINTS),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", type=Path, default=SHIPPED_RULES)
    parser.add_argument("--categories-from", type=Path, default=SHIPPED_MODEL)
    parser.add_argument("--without", nargs="*", default=[])
    parser.add_argument("--apart", nargs="*", default=[])
    args = parser.parse_args()
    files = [f for f in sorted(CORPUS.glob("*.tsv")) if f.name.split("_")[0] not in args.without]
    messages = read_all(files)
    rules = load_rules(args.rules)
    results, probabilities = measure(messages, rules, load_classifier(args.categories_from))
    print(f"{'writer':<10}{'msgs':>6}{'urg rec':>9}{'urg flag':>9}{'con flag':>9}{'false':>9}")
    for writer, result in results.items():
        print(_row(writer, result))
    combined = combine([result for writer, result in results.items() if writer not in args.apart])
    print("\n".join(report_lines("writers left out in turn", combined)))
    counted = np.array([m.writer not in args.apart for m in messages])
    kept = [m for m in messages if m.writer not in args.apart]
    print("\n".join(ranking_lines(probabilities[counted], kept)))
    print("\n".join(trade_off_lines(probabilities[counted], kept, rules)))


if __name__ == "__main__":
    main()
