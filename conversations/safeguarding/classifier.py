"""The learned layer of screening: a linear model read from a plain JSON file.

The model is trained by `mysay safeguarding train` (see `training.py`) on the corpus the
project ships, and written as JSON with one feature per line: its inverse document
frequency (already multiplied by the weight training gives its kind of feature), its weight
for each level and for each category. Anyone can read why a word pushes a message up, and
loading it runs no code (unlike a pickle).

Scoring repeats scikit-learn's sums exactly: sublinear term frequency times idf, scaled to
unit length, then a multinomial logistic model for the level and one-vs-rest logistic
models for the categories. It runs in plain Python over `array`s: a message touches a few
hundred of the 30,000 rows, and numpy would cost the bot 11 MiB of memory to import.
"""

from __future__ import annotations

import json
import math
from array import array
from collections import Counter
from dataclasses import dataclass, field, replace
from importlib.resources.abc import Traversable
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

from conversations.safeguarding.feature_rows import FeatureRows
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
# Words and known pairs of words whose sums are remembered (about 400 bytes each); a
# child's vocabulary is much smaller than this.
SUMS_CACHE_SIZE = 20_000


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

    index: FeatureRows
    idf: array[float]
    # One column per output (the three levels, then each category), each holding every
    # feature's weight for it.
    columns: tuple[array[float], ...]
    # The bias of each output, in the columns' order.
    bias: tuple[float, ...]
    categories: tuple[str, ...]
    thresholds: Thresholds
    _sums_cache: dict[str, _Sums] = field(default_factory=dict, repr=False, compare=False)

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

    def scores(self, normalised: str, context: ScreeningContext) -> list[float]:
        """The linear scores of one text: the three levels', then each category's.

        Each output's score is its bias plus the sum over the text's features of
        (1 + log count) x idf x weight, over the length of the (1 + log count) x idf vector.
        Most features occur once, so both sums are added up from sums remembered per word
        and per pair of words, then corrected for the features that occur more than once.
        """
        words = normalised.split()
        everything = [
            *map(self._word_sums, words),
            *map(self._feature_sums, pair_features(words)),
            self._feature_sums(author_feature(context.author)),
        ]
        groups = [group for group in everything if group.rows]
        if not groups:
            return list(self.bias)
        totals: list[float] = list(map(sum, zip(*(group.sums for group in groups), strict=True)))
        squares = sum(group.squares for group in groups)
        counts = Counter(chain.from_iterable(group.rows for group in groups))
        idf, columns = self.idf, self.columns
        for row, count in [(row, count) for row, count in counts.items() if count > 1]:
            weight = 1 + math.log(count)
            squares += (weight * weight - count) * idf[row] * idf[row]
            missing = (weight - count) * idf[row]
            totals = [t + missing * c[row] for t, c in zip(totals, columns, strict=True)]
        length = math.sqrt(squares)
        return [bias + total / length for bias, total in zip(self.bias, totals, strict=True)]

    def weights_of(self, feature: str) -> list[float]:
        """One feature's weights, in the order of `scores`."""
        row = self.index[feature]
        return [column[row] for column in self.columns]

    def _predict_one(self, normalised: str, context: ScreeningContext) -> Verdict:
        scores = self.scores(normalised, context)
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

    def _word_sums(self, word: str) -> _Sums:
        """The sums of one word's features; words repeat, so they are remembered."""
        found = self._sums_cache.get(word)
        if found is None:
            rows = map(self.index.get, word_features(word))
            found = self._sums_of(tuple(row for row in rows if row is not None))
            self._remember(word, found)
        return found

    def _feature_sums(self, feature: str) -> _Sums:
        """The sums of one feature; those the model knows are remembered as words are."""
        found = self._sums_cache.get(feature)
        if found is None:
            row = self.index.get(feature)
            if row is None:  # most pairs of words: not worth remembering
                return _NO_SUMS
            found = self._sums_of((row,))
            self._remember(feature, found)
        return found

    def _sums_of(self, rows: tuple[int, ...]) -> _Sums:
        if not rows:
            return _NO_SUMS
        idf = self.idf
        return _Sums(
            rows,
            array("d", [sum(idf[r] * column[r] for r in rows) for column in self.columns]),
            sum(idf[r] * idf[r] for r in rows),
        )

    def _remember(self, key: str, sums: _Sums) -> None:
        # A word never holds ":" or "@", so it never meets a feature's name here.
        if len(self._sums_cache) < SUMS_CACHE_SIZE:
            self._sums_cache[key] = sums


class _Sums(NamedTuple):
    """A word's or a feature's part of a score.

    Attributes:
        rows: The model rows of its features, a row twice if its feature occurs twice.
        sums: Per output, the sum over `rows` of idf x weight.
        squares: The sum over `rows` of idf squared.
    """

    rows: tuple[int, ...]
    sums: array[float]
    squares: float


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
        bias = tuple(map(float, data["level_bias"] + data["category_bias"]))
        return LinearClassifier(
            index=table.index.seal(),
            idf=table.idf,
            columns=table.columns_of(len(bias)),
            bias=bias,
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
        self.index = FeatureRows()
        self.idf = array("d")
        self.columns: list[array[float]] = []
        self.rows = 0

    def add(self, header: dict[str, Any], row: Any) -> None:
        """Add one row `[feature, idf, level weights, category weights]`."""
        if self.rows == 0:
            _check_format(header, self.name)  # the header comes first: fail before the rows
        feature, idf, levels, categories = row
        if not isinstance(feature, str):
            raise TypeError(f"feature {self.rows} is not a string")
        weights = [*levels, *categories]
        if self.rows == 0:
            self.columns = [array("f") for _ in weights]
        if len(weights) != len(self.columns):
            raise ValueError(
                f"feature {feature!r} has {len(weights)} weights, not {len(self.columns)}"
            )
        self.idf.append(idf)
        for column, weight in zip(self.columns, weights, strict=True):
            column.append(weight)
        self.index.add(feature)
        self.rows += 1

    def columns_of(self, width: int) -> tuple[array[float], ...]:
        """The weights column by column, checked to be `width` columns."""
        if self.rows and len(self.columns) != width:
            raise ValueError(f"rows have {len(self.columns)} weights, not {width}")
        return tuple(self.columns) if self.rows else tuple(array("f") for _ in range(width))


# The part of a word or pair the model does not know: nothing, shared by every such one.
_NO_SUMS = _Sums((), array("d"), 0.0)
