"""Train the learned layer of screening from the corpus the project ships.

`mysay safeguarding train` calls `train()` and `write_model()`. Training is deterministic:
the same corpus gives the same file. It needs scikit-learn, which screening itself does not
(the model is applied by `classifier.py` in plain Python). `cross_validate()` measures the
whole screener on each writer's messages with a model trained on the others
(`python -m benchmarks.safeguarding_writers`).

The level model is a multinomial logistic regression over TF-IDF features, with classes
weighted so the rarer urgent and concern messages count as much as harmless ones. Where
probabilities turn into levels is chosen on out-of-fold predictions over the corpus, never
on an evaluation set, and the folds leave out one writer at a time (`writer` of each
message): a model always scores its own writer's messages more confidently than a
stranger's, and children are strangers.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold

from conversations.safeguarding.classifier import (
    LEVEL_ORDER,
    MODEL_FORMAT,
    MODEL_VERSION,
    Thresholds,
    load_classifier,
)
from conversations.safeguarding.evaluation import Evaluation, evaluate
from conversations.safeguarding.features import CHAR_PREFIX, analyse, document
from conversations.safeguarding.labelled import KNOWN_CATEGORIES, LabelledMessage
from conversations.safeguarding.model import Level
from conversations.safeguarding.rules import RuleSet
from conversations.safeguarding.screener import Screener

Normalise = Callable[[str], str]

MAX_FEATURES = 30_000
MIN_DOCUMENTS = 2
# Character n-grams carry spelling tolerance ("kiks" shares "kik" with "kick"), but also
# each writer's habits of spelling; at full weight the model learnt who wrote a message
# as much as what it said. Their idf is multiplied by this, which measured best on writers
# left out of training (urgent recall out of fold 0.72 at full weight, 0.76 at 0.3).
CHAR_WEIGHT = 0.3
# Inverse regularisation strength, chosen by cross-validation on the corpus.
LEVEL_C = 16.0
CATEGORY_C = 16.0
# A category needs this many examples before the model may name it.
MIN_CATEGORY_EXAMPLES = 8
FOLDS = 5
SEED = 20261202
# Out of fold, the classifier alone must keep at least these shares of the corpus's risks:
# urgent messages screened urgent, concerns flagged, and urgent messages flagged at any level
# (a person reads what the model half-believes is urgent). The thresholds are the strictest
# that do so. They used to be shares of the harmless messages allowed through, which
# loosened whenever easy harmless messages were added: corpus part 10 (800 of them) let as
# many false flags through on the blind sets as before. Targets on the risks do not move
# when harmless messages are added, so what the corpus teaches about them lowers the false
# flags instead. Chosen by leaving each writer out (blind/README.md, round six), and
# raised in round nine: the targets are shares of all writers' risks, and corpus part 13's
# writers' risks are easier to catch out of fold (0.92 against 0.79 screened urgent), so the
# same targets had let parts 1-12 lose two points of urgent recall. These keep parts 1-12
# where they were (benchmarks/safeguarding_writers_flat.py --apart part13). Raised a little
# again in round ten, for the same reason, so that parts 1-13 keep their recall with part 14
# beside them (blind/README.md).
MIN_URGENT_AS_URGENT = 0.785
MIN_CONCERN_FLAGGED = 0.80
MIN_URGENT_FLAGGED = 0.89
CATEGORY_THRESHOLD = 0.5
# Weights are written with this many significant digits: enough to agree with
# scikit-learn's own predictions to about 1e-6, small enough to review.
DIGITS = 6


@dataclass(frozen=True)
class TrainedModel:
    """Everything `write_model` needs, as plain values."""

    features: list[str]
    idf: list[float]
    level_weights: list[list[float]]
    level_bias: list[float]
    categories: list[str]
    category_weights: list[list[float]]
    category_bias: list[float]
    thresholds: Thresholds
    corpus_size: int


def train(messages: Sequence[LabelledMessage], normalise: Normalise) -> TrainedModel:
    """Fit the level and category models and choose the thresholds."""
    docs = [document(normalise(m.text), m.context) for m in messages]
    labels = np.array([LEVEL_ORDER.index(m.level) for m in messages])
    vectoriser = _weighted_vectoriser(docs)
    matrix = vectoriser.transform(docs)
    level_model = _logistic(LEVEL_C).fit(matrix, labels)
    out_of_fold = _out_of_fold(docs, labels, np.array([m.writer for m in messages]))
    category_names = sorted(
        name
        for name in KNOWN_CATEGORIES
        if sum(name in m.categories for m in messages) >= MIN_CATEGORY_EXAMPLES
    )
    category_weights, category_bias = [], []
    for name in category_names:
        wanted = np.array([name in m.categories for m in messages], dtype=int)
        # Unweighted: a category is named on its own evidence, not inflated like the levels.
        model = _logistic(CATEGORY_C, balanced=False).fit(matrix, wanted)
        category_weights.append(model.coef_[0])
        category_bias.append(float(model.intercept_[0]))
    names = vectoriser.get_feature_names_out().tolist()
    return TrainedModel(
        features=names,
        idf=_rounded(vectoriser.idf_),
        level_weights=[_rounded(row) for row in level_model.coef_.T],
        level_bias=_rounded(level_model.intercept_),
        categories=category_names,
        category_weights=[_rounded(row) for row in np.array(category_weights).T],
        category_bias=_rounded(np.array(category_bias)),
        thresholds=choose_thresholds(out_of_fold, labels),
        corpus_size=len(messages),
    )


def _out_of_fold(docs: list[str], labels: np.ndarray, writers: np.ndarray) -> np.ndarray:
    """P(level) of each message from a model that learnt neither its writer nor its words.

    The vocabulary and idf are learnt inside each fold too: learnt on every message, they
    gave the held-out writer's own words a share of each message's length, which made its
    probabilities less sure than a stranger's really are, and thresholds chosen on them
    came out about 0.03 lower than the shares of risks they promised needed.
    """
    if len(set(writers)) >= FOLDS:
        folds: GroupKFold | StratifiedKFold = GroupKFold(len(set(writers)))
        groups: np.ndarray | None = writers
    else:
        folds, groups = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED), None
    probabilities = np.zeros((len(docs), len(LEVEL_ORDER)))
    for learnt, held_out in folds.split(docs, labels, groups):
        vectoriser = _weighted_vectoriser([docs[i] for i in learnt])
        model = _logistic(LEVEL_C).fit(
            vectoriser.transform([docs[i] for i in learnt]), labels[learnt]
        )
        probabilities[held_out] = model.predict_proba(
            vectoriser.transform([docs[i] for i in held_out])
        )
    return probabilities


def cross_validate(
    messages: Sequence[LabelledMessage], rules: RuleSet, writers: Collection[str] = ()
) -> dict[str, Evaluation]:
    """Screen each writer's messages with every layer, the model trained without them.

    Each model is written and read back as the shipped one is, and chooses its thresholds
    on the writers it learnt from, so these figures are what a stranger's messages get.
    Only `writers` are left out in turn when given; otherwise every writer is.
    """
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.json"
        for writer in sorted(writers or {m.writer for m in messages}):
            write_model(train([m for m in messages if m.writer != writer], rules.normalise), path)
            screener = Screener(rules, load_classifier(path))
            held_out = [m for m in messages if m.writer == writer]
            results[writer] = evaluate(held_out, screener.assess)
    return results


def choose_thresholds(probabilities: np.ndarray, labels: np.ndarray) -> Thresholds:
    """Pick the strictest thresholds that keep the out-of-fold shares of risks flagged."""
    p_urgent = probabilities[:, 2]
    p_flag = probabilities[:, 1] + probabilities[:, 2]
    is_urgent = labels == LEVEL_ORDER.index(Level.URGENT)
    is_concern = labels == LEVEL_ORDER.index(Level.CONCERN)
    urgent = _strictest(p_urgent[is_urgent], _share_of(is_urgent, MIN_URGENT_AS_URGENT))
    concern = _strictest(p_flag[is_concern], _share_of(is_concern, MIN_CONCERN_FLAGGED))
    # Urgent messages neither threshold flags: the unsure threshold flags just enough of
    # them (by P(urgent)) to bring urgent flagged at any level up to its share.
    unflagged = is_urgent & (p_urgent < urgent) & (p_flag < concern)
    wanted = _share_of(is_urgent, MIN_URGENT_FLAGGED) - int((is_urgent & ~unflagged).sum())
    unsure = _strictest(p_urgent[unflagged], wanted) if wanted > 0 else urgent
    return Thresholds(
        urgent=urgent,
        concern=concern,
        unsure_urgent=min(unsure, urgent),
        category=CATEGORY_THRESHOLD,
    )


def _share_of(selected: np.ndarray, share: float) -> int:
    """How many of the selected messages make up `share` of them, rounded up."""
    return math.ceil(share * int(selected.sum()))


def _strictest(scores: np.ndarray, count: int) -> float:
    """The highest threshold that `count` of `scores` reach, rounded down to four places."""
    if not len(scores) or count <= 0:
        return 0.95
    reached = float(np.sort(scores)[::-1][min(count, len(scores)) - 1])
    return min(max(math.floor(reached * 10_000) / 10_000, 0.05), 0.95)


def write_model(model: TrainedModel, path: Path) -> None:
    """Write the model as JSON, one feature per line, so a diff reads like a review."""
    header = {
        "format": MODEL_FORMAT,
        "version": MODEL_VERSION,
        "about": (
            "Safeguarding screening's learned layer, written by `mysay safeguarding train`."
            " Each feature row: [feature, idf, weights for none/concern/urgent,"
            " weights per category]. Features: @author context, w: word, b: bigram,"
            f" c: character n-gram inside a word (its idf multiplied by {CHAR_WEIGHT})."
        ),
        "corpus_size": model.corpus_size,
        "levels": [str(level) for level in LEVEL_ORDER],
        "thresholds": asdict(model.thresholds),
        "level_bias": model.level_bias,
        "categories": model.categories,
        "category_bias": model.category_bias,
    }
    head = json.dumps(header, indent=1, ensure_ascii=False)[:-2]
    rows = ",\n".join(
        json.dumps([name, idf, levels, categories], ensure_ascii=False)
        for name, idf, levels, categories in zip(
            model.features, model.idf, model.level_weights, model.category_weights, strict=True
        )
    )
    path.write_text(f'{head},\n "features": [\n{rows}\n]}}\n', encoding="utf-8")


def _weighted_vectoriser(docs: list[str]) -> TfidfVectorizer:
    """Fit TF-IDF on `docs`, with character n-grams weighted by CHAR_WEIGHT.

    The weight goes into the idf, so the shipped file's idf column already carries it and
    the classifier applies it without knowing.
    """
    vectoriser = TfidfVectorizer(
        analyzer=analyse, min_df=MIN_DOCUMENTS, max_features=MAX_FEATURES, sublinear_tf=True
    )
    vectoriser.fit(docs)
    names = vectoriser.get_feature_names_out()
    is_char = np.array([name.startswith(CHAR_PREFIX) for name in names])
    vectoriser.idf_ = np.where(is_char, vectoriser.idf_ * CHAR_WEIGHT, vectoriser.idf_)
    return vectoriser


def _logistic(c: float, *, balanced: bool = True) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced" if balanced else None, max_iter=5000)


def _rounded(values: np.ndarray) -> list[float]:
    return [float(f"{value:.{DIGITS}g}") for value in values]
