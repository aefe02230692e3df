"""The learned layer of screening: a linear model read from a plain JSON file.

The model is trained by `mysay safeguarding train` (see `training.py`) on the corpus the
project ships, and written as JSON with one feature per line: its inverse document
frequency (already multiplied by the weight training gives its kind of feature), its weight
for each level and for each category. Anyone can read why a word pushes a message up, and
loading it runs no code (unlike a pickle).

Scoring repeats scikit-learn's sums exactly: sublinear term frequency times idf, scaled to
unit length, then a multinomial logistic model for the level and one-vs-rest logistic
models for the categories.
"""

from __future__ import annotations

import json
import math
from array import array
from dataclasses import dataclass, field, replace
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import numpy as np

from conversations.safeguarding.features import author_feature, pair_features, word_features
from conversations.safeguarding.model import Level, ScreeningContext
from conversations.safeguarding.model_file import read_object

MODEL_FORMAT = "mysay-safeguarding-linear"
MODEL_VERSION = 1
LEVEL_ORDER = (Level.NONE, Level.CONCERN, Level.URGENT)
# A long message is also scored in overlapping windows of this many words, so that one
# disclosure at the end of a long cheerful message is not diluted by everything around it.
WINDOW_WORDS = 40
WINDOW_STRIDE = 20
# Past this many words, windows stop overlapping, to bound the time a huge paste takes.
OVERLAP_LIMIT = 2000
# Words whose feature rows are remembered; a child's vocabulary is much smaller than this.
WORD_CACHE_SIZE = 50_000


class ModelError(ValueError):
    """The classifier file is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Thresholds:
    """Where the model's probabilities turn into levels.

    Attributes:
        urgent: P(urgent) at or above this is urgent.
        concern: P(concern) + P(urgent) at or above this is a concern.
        unsure_urgent: P(urgent) at or above this is at least a concern, so a person reads
            a message the model half-believes is urgent.
        category: A category's probability at or above this names it.
    """

    urgent: float
    concern: float
    unsure_urgent: float
    category: float


@dataclass(frozen=True)
class Verdict:
    """What the model says about one message."""

    level: Level
    unsure: bool
    probabilities: dict[Level, float]
    categories: tuple[str, ...]

    def lowered(self) -> Verdict:
        """The same verdict one level lower: an urgent one becomes an unsure concern."""
        if self.level is Level.URGENT:
            return replace(self, level=Level.CONCERN, unsure=True)
        return replace(self, level=Level.NONE, unsure=False, categories=())


@dataclass(frozen=True)
class LinearClassifier:
    """A trained linear model over the features of `features.analyse`."""

    index: dict[str, int]
    idf: np.ndarray
    # One row per feature: its weights for the three levels, then for each category, so
    # one lookup and one product score both.
    weights: np.ndarray
    bias: np.ndarray
    categories: tuple[str, ...]
    thresholds: Thresholds
    _word_cache: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)

    def predict(self, normalised: str, context: ScreeningContext) -> Verdict:
        """Score normalised text written in `context`: the most worrying of its windows."""
        words = normalised.split()
        if len(words) <= WINDOW_WORDS:
            return self._predict_one(normalised, context)
        stride = WINDOW_STRIDE if len(words) <= OVERLAP_LIMIT else WINDOW_WORDS
        # dict.fromkeys drops repeated windows (a pasted line repeated a thousand times).
        windows = dict.fromkeys(
            " ".join(words[start : start + WINDOW_WORDS])
            for start in range(0, len(words) - WINDOW_WORDS + stride, stride)
        )
        verdicts = [self._predict_one(window, context) for window in windows]
        if len(words) <= OVERLAP_LIMIT:
            verdicts.append(self._predict_one(normalised, context))
        return max(verdicts, key=_worry)

    def _predict_one(self, normalised: str, context: ScreeningContext) -> Verdict:
        rows, values = self.vector(normalised, context)
        scores = (self.bias + values @ self.weights[rows]).tolist()
        level_scores = scores[:3]
        top = max(level_scores)
        exp = [math.exp(score - top) for score in level_scores]
        p = {level: exp[i] / sum(exp) for i, level in enumerate(LEVEL_ORDER)}
        level, unsure = self._level(p)
        # A category is named when its probability reaches the threshold: compare the score
        # with the threshold's log-odds rather than computing every probability.
        ranked = sorted(zip(scores[3:], self.categories, strict=True), reverse=True)
        named = tuple(name for score, name in ranked if score >= self._category_logit)
        if level is not Level.NONE and not named:
            named = (ranked[0][1],)
        return Verdict(level, unsure, p, named)

    @property
    def _category_logit(self) -> float:
        threshold = self.thresholds.category
        return math.log(threshold / (1 - threshold))

    def _level(self, p: dict[Level, float]) -> tuple[Level, bool]:
        t = self.thresholds
        if p[Level.URGENT] >= t.urgent:
            return Level.URGENT, False
        if p[Level.URGENT] + p[Level.CONCERN] >= t.concern:
            return Level.CONCERN, False
        if p[Level.URGENT] >= t.unsure_urgent:
            return Level.CONCERN, True
        return Level.NONE, False

    def vector(self, normalised: str, context: ScreeningContext) -> tuple[np.ndarray, np.ndarray]:
        """The TF-IDF vector of `features.analyse`, built from rows cached per word."""
        index = self.index
        words = normalised.split()
        rows: list[int] = [index[f] for f in pair_features(words) if f in index]
        author = index.get(author_feature(context.author))
        if author is not None:
            rows.append(author)
        for word in words:
            rows.extend(self._word_rows(word))
        if not rows:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        found, counts = np.unique(np.array(rows, dtype=np.intp), return_counts=True)
        values = (1 + np.log(counts)) * self.idf[found]
        return found, values / np.linalg.norm(values)

    def _word_rows(self, word: str) -> list[int]:
        """The model rows of one word's features; words repeat, so they are remembered."""
        rows = self._word_cache.get(word)
        if rows is None:
            rows = [self.index[f] for f in word_features(word) if f in self.index]
            if len(self._word_cache) < WORD_CACHE_SIZE:
                self._word_cache[word] = rows
        return rows


def _worry(verdict: Verdict) -> tuple[int, float]:
    """Order verdicts by level, then by how likely a person needs to read the message."""
    p = verdict.probabilities
    return verdict.level.rank, p[Level.URGENT] + p[Level.CONCERN]


def load_classifier(source: Traversable | Path) -> LinearClassifier:
    """Read a model file written by `training.write_model`, one feature row at a time.

    Raises:
        ModelError: The file is missing, not JSON, or not a model of this format.
    """
    name = source.name
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ModelError(f"{name}: file not found; run `mysay safeguarding train`") from exc
    table = _FeatureTable(name)
    try:
        data = read_object(text, "features", table.add)
        del text  # 7 MB the classifier no longer needs
        _check_format(data, name)
        levels = tuple(Level(level) for level in data["levels"])
        if levels != LEVEL_ORDER:
            raise ModelError(f"{name}: levels must be {[str(x) for x in LEVEL_ORDER]}")
        categories = tuple(data["categories"])
        return LinearClassifier(
            index=table.index,
            idf=np.frombuffer(table.idf, dtype=np.float64),
            weights=table.weights_with(len(LEVEL_ORDER) + len(categories)),
            bias=np.array(data["level_bias"] + data["category_bias"], dtype=float),
            categories=categories,
            thresholds=Thresholds(**data["thresholds"]),
        )
    except json.JSONDecodeError as exc:
        raise ModelError(f"{name}: not valid JSON: {exc}") from exc
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        if isinstance(exc, ModelError):
            raise
        raise ModelError(f"{name}: malformed model: {exc!r}") from exc


def _check_format(data: Any, name: str) -> None:
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise ModelError(f"{name}: not a {MODEL_FORMAT} file")
    if data.get("version") != MODEL_VERSION:
        raise ModelError(f"{name}: version must be {MODEL_VERSION}")


class _FeatureTable:
    """The model's feature rows, gathered into compact arrays as the file is read.

    The weights are kept as 32-bit floats: the file writes them with six significant
    digits, which a 32-bit float holds, and they take half the memory of 64-bit ones.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.index: dict[str, int] = {}
        self.idf = array("d")
        self.weights = array("f")
        self.rows = 0
        self.width: int | None = None

    def add(self, header: dict[str, Any], row: Any) -> None:
        """Add one row `[feature, idf, level weights, category weights]`."""
        if self.rows == 0:
            _check_format(header, self.name)  # the header comes first: fail before the rows
        feature, idf, levels, categories = row
        if not isinstance(feature, str):
            raise TypeError(f"feature {self.rows} is not a string")
        width = len(levels) + len(categories)
        if self.width not in (None, width):
            raise ValueError(f"feature {feature!r} has {width} weights, not {self.width}")
        self.width = width
        self.idf.append(idf)
        self.weights.extend(levels)
        self.weights.extend(categories)
        self.index[feature] = self.rows
        self.rows += 1

    def weights_with(self, width: int) -> np.ndarray:
        """The weights as one row per feature, checked to hold `width` weights each."""
        if self.width not in (None, width):
            raise ValueError(f"rows have {self.width} weights, not {width}")
        return np.frombuffer(self.weights, dtype=np.float32).reshape(self.rows, width)
