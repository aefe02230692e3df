"""Where the learned layer's probabilities turn into levels (`training.choose_thresholds`)."""

from __future__ import annotations

import numpy as np
import pytest

from conversations.safeguarding.classifier import Thresholds
from conversations.safeguarding.training import (
    MIN_CONCERN_FLAGGED,
    MIN_URGENT_AS_URGENT,
    MIN_URGENT_FLAGGED,
    choose_thresholds,
)

NONE, CONCERN, URGENT = 0, 1, 2


def _probabilities(labels: np.ndarray, seed: int) -> np.ndarray:
    """Out-of-fold-like probabilities: each label's own column tends to be higher."""
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(len(labels), 3))
    scores[np.arange(len(labels)), labels] += 1.5
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


def _shares(p: np.ndarray, labels: np.ndarray, t: Thresholds) -> tuple[float, float, float]:
    urgent, flag = p[:, 2], p[:, 1] + p[:, 2]
    as_urgent = urgent >= t.urgent
    flagged = as_urgent | (flag >= t.concern) | (urgent >= t.unsure_urgent)
    return (
        float(as_urgent[labels == URGENT].mean()),
        float(flagged[labels == CONCERN].mean()),
        float(flagged[labels == URGENT].mean()),
    )


@pytest.mark.parametrize("seed", range(5))
def test_thresholds_keep_the_shares_of_risks_they_promise(seed: int) -> None:
    labels = np.random.default_rng(seed).choice([NONE, CONCERN, URGENT], size=3000)
    p = _probabilities(labels, seed)
    thresholds = choose_thresholds(p, labels)
    as_urgent, concern_flagged, urgent_flagged = _shares(p, labels, thresholds)
    assert as_urgent >= MIN_URGENT_AS_URGENT
    assert concern_flagged >= MIN_CONCERN_FLAGGED
    assert urgent_flagged >= MIN_URGENT_FLAGGED
    assert thresholds.unsure_urgent <= thresholds.urgent
    # The strictest such thresholds: a little stricter and a promise is broken.
    stricter = Thresholds(
        urgent=thresholds.urgent + 0.002,
        concern=thresholds.concern,
        unsure_urgent=thresholds.unsure_urgent,
        category=thresholds.category,
    )
    assert _shares(p, labels, stricter)[0] < MIN_URGENT_AS_URGENT


def test_more_harmless_messages_do_not_loosen_the_thresholds() -> None:
    # The old rule (a share of harmless messages allowed through) let every batch of easy
    # harmless examples buy as many false flags as before.
    labels = np.random.default_rng(1).choice([NONE, CONCERN, URGENT], size=2000)
    p = _probabilities(labels, 1)
    easy = np.tile([[0.98, 0.01, 0.01]], (3000, 1))
    more_labels = np.concatenate([labels, np.full(3000, NONE)])
    assert choose_thresholds(np.vstack([p, easy]), more_labels) == choose_thresholds(p, labels)
