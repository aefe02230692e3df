"""Screening measured on labelled messages nobody trained on.

- the shared dev set (`../shared/data/`, in CI too), which must score as it did;
- our own older held-out set (`heldout.tsv`), written for the rules: a regression set;
- the blind sets in `blind/`, written by helpers who saw neither the rules, the corpus nor
  each other's sets (see `blind/README.md` for their first-sight figures).

The floors below guard against regressions; they are not the goals (which the README
beside the blind sets reports against). Run with `-s` to see every figure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conversations.safeguarding import assess
from conversations.safeguarding.evaluation import Evaluation, evaluate, report_lines
from conversations.safeguarding.labelled import read_labelled

HERE = Path(__file__).resolve().parent
# tests/safeguarding/<this file> -> parents[2] is the repository; shared/ sits beside it.
DEV_SET = HERE.parents[1].parent / "shared" / "data" / "safeguarding_dev.tsv"
HELD_OUT_SET = HERE / "heldout.tsv"
BLIND_SETS = sorted((HERE / "blind").glob("*.tsv"))
# Written blind in Welsh, Polish, Ukrainian and Arabic, with a `language` column.
LANGUAGE_SETS = sorted((HERE / "blind" / "languages").glob("*.tsv"))


def measured(path: Path) -> Evaluation:
    """Screen a labelled file and print its figures."""
    result = evaluate(read_labelled(path), assess)
    print("\n" + "\n".join(report_lines(path.name, result)))
    return result


def test_the_dev_set_scores_as_before() -> None:
    if not DEV_SET.is_file():
        message = f"safeguarding dev set not found at {DEV_SET}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    result = measured(DEV_SET)
    assert result.urgent_recall == 1.0
    assert result.concern_flagged == 1.0
    assert result.false_flags is not None and result.false_flags <= 0.05


def test_the_held_out_set_keeps_every_urgent_message_urgent() -> None:
    result = measured(HELD_OUT_SET)
    assert result.total >= 120
    assert result.urgent_recall == 1.0
    assert result.concern_flagged is not None and result.concern_flagged >= 0.95
    assert result.false_flags is not None and result.false_flags <= 0.25


def test_flagged_held_out_messages_get_the_expected_category() -> None:
    result = evaluate(read_labelled(HELD_OUT_SET), assess)
    labelled = sum(recall.labelled for recall in result.categories.values())
    named = sum(recall.named for recall in result.categories.values())
    print(f"\nheld-out set: expected category named for {named / labelled:.3f}")
    assert named / labelled >= 0.90


@pytest.mark.parametrize("path", BLIND_SETS, ids=[path.stem for path in BLIND_SETS])
def test_blind_sets_stay_above_their_floors(path: Path) -> None:
    result = measured(path)
    assert result.total >= 300
    assert result.urgent_flagged is not None and result.urgent_flagged >= 0.93
    assert result.urgent_recall is not None and result.urgent_recall >= 0.80
    assert result.concern_flagged is not None and result.concern_flagged >= 0.80
    # Every set was at 0.085 or below after round three; set_t, in a regional voice no
    # corpus writer used, came at 0.130 at first sight (blind/README.md, sixth session), and
    # set_x, children at home on plans and their angry parents, at 0.153 (eighth session).
    assert result.false_flags is not None and result.false_flags <= 0.16


def test_there_are_at_least_two_blind_sets() -> None:
    assert len(BLIND_SETS) >= 2


@pytest.mark.parametrize("path", LANGUAGE_SETS, ids=[path.stem for path in LANGUAGE_SETS])
def test_no_worrying_message_in_another_language_goes_unread(path: Path) -> None:
    # The English layers cannot read these: a lexicon hit raises urgent, and every other
    # typed answer is flagged "not screened: language" for a person to read. So the
    # floor is on flagging at any level, not on the level (blind/README.md has both).
    result = measured(path)
    assert result.total >= 300
    assert result.urgent_flagged is not None and result.urgent_flagged >= 0.99
    assert result.concern_flagged is not None and result.concern_flagged >= 0.90
