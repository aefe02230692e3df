"""Each age band gets its own version of a child's flow, in words that fit it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.flows import flows
from conversations.engine import handle, start
from conversations.events import Asked, Choose, Done, Text
from conversations.flow_check import load_flows
from conversations.reading_level import BAND_GRADE, grade, reading_warnings, syllables
from conversations.runs import RunContext, RunStatus

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
MOST_QUESTIONS = {"under_8": 8, "8_12": 12}
CHILD_FLOWS = ["child_before_review", "child_before_conference", "child_after_review", "checkin"]


def questions_asked(flow_id: str, band: str) -> list[str]:
    """Walk the flow answering every question (first option, or typed words)."""
    flow = load_flows()[flow_id]
    context = RunContext("child", band, "cla_review", "en")
    transition = start(flow, context, NOW)
    asked: list[str] = []
    while transition.run.status is RunStatus.waiting:
        question = next(e for e in transition.events if isinstance(e, Asked))
        asked.append(question.step_id)
        if question.kind == "multi":
            ticked = handle(flow, transition.run, Text(question.options[0].label), NOW)
            transition = handle(flow, ticked.run, Done(), NOW)
        elif question.options:
            transition = handle(flow, transition.run, Choose(question.options[0].id), NOW)
        else:
            transition = handle(flow, transition.run, Text("fine thanks"), NOW)
    return asked


@pytest.mark.parametrize("flow_id", CHILD_FLOWS)
@pytest.mark.parametrize("band", sorted(MOST_QUESTIONS))
def test_younger_children_are_asked_fewer_questions(flow_id: str, band: str) -> None:
    assert len(questions_asked(flow_id, band)) <= MOST_QUESTIONS[band]


def test_teenagers_get_the_full_review_flow() -> None:
    teen = questions_asked("child_before_review", "13_plus")
    young = questions_asked("child_before_review", "under_8")
    assert len(teen) > 12 and set(young) < set(teen)
    # Who may read the answers is always asked, and so is whether they want to talk.
    assert {"share_with", "talk_to_iro_first"} <= set(young)


def test_the_grade_follows_sentence_length_and_syllables() -> None:
    assert syllables("television") == 4 and syllables("cat") == 1
    assert syllables("zorbly") >= 1  # not in the dictionary: vowel groups
    easy = grade("Do you like your school? Is it fun?")
    hard = grade(
        "Considering the circumstances of your placement, how satisfactory do you consider "
        "the arrangements regarding educational provision?"
    )
    assert easy < BAND_GRADE["under_8"] < BAND_GRADE["13_plus"] < hard


def test_every_packaged_child_prompt_reads_within_its_band() -> None:
    warnings = [w for flow in load_flows().values() for w in reading_warnings(flow)]
    assert warnings == []


def test_flows_check_warns_about_a_hard_prompt_but_passes(tmp_path: Path) -> None:
    path = tmp_path / "hard.yaml"
    path.write_text(
        "spec_version: 1\nid: hard\nversion: 1\ntitle: {en: Hard}\naudience: child\nsteps:\n"
        '  - id: placement\n    kind: text\n    text: {en: "Considering the circumstances '
        'of your placement, how satisfactory are the educational arrangements?"}\n'
    )
    result = CliRunner().invoke(flows, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "warning: hard: step 'placement' for under 8s reads at grade" in result.output
    assert "1 flows OK, 3 prompt(s) above their reading level" in result.output
