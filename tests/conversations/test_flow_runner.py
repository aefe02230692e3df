"""The terminal runner and `mysay flows run`, fed from piped stdin."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli.flows import COMMANDS, flows
from conversations.events import (
    Asked,
    Back,
    Change,
    Choose,
    Done,
    Input,
    Option,
    SaveForLater,
    Skip,
    SummaryItem,
    SummaryShown,
    Text,
    Toggle,
)
from conversations.flow_check import FLOWS_DIR
from conversations.runner import Prompt, parse_line

YES_NO = Asked(
    "q", "yesno", "Q?", (Option("yes", "Yes"), Option("no", "No")), False, True, (), None
)
MULTI = Asked("m", "multi", "M?", (Option("a", "A"), Option("b", "B")), True, True, (), None)
TEXT = Asked("t", "text", "T?", (), True, True, (), 1000)
SUMMARY = SummaryShown("S", (SummaryItem("q", "Q?", "Yes"), SummaryItem("t", "T?", "hi")), ())


@pytest.mark.parametrize(
    ("line", "prompt", "expected"),
    [
        ("2", YES_NO, Choose("no")),
        ("Yes", YES_NO, Choose("yes")),
        ("7", YES_NO, Choose("")),
        ("2", MULTI, Toggle("b")),
        ("done", MULTI, Done()),
        ("SKIP", TEXT, Skip()),
        ("back", TEXT, Back()),
        ("save", TEXT, SaveForLater()),
        ("2", TEXT, Text("2")),
        ("I like it here", TEXT, Text("I like it here")),
        ("change 2", SUMMARY, Change("t")),
        ("change 9", SUMMARY, Change("")),
    ],
)
def test_typed_lines_become_inputs(line: str, prompt: Prompt, expected: Input) -> None:
    assert parse_line(line, prompt) == expected


def test_the_module_exposes_the_flows_group() -> None:
    assert [flows] == COMMANDS
    assert set(flows.commands) == {"check", "keep", "run"}


def test_run_goes_through_a_flow_from_piped_input() -> None:
    result = CliRunner().invoke(
        flows, ["run", "checkin", "--age", "10"], input="3\nfine\nno\nsend\n"
    )
    assert result.exit_code == 0, result.output
    assert "> fine" in result.output
    assert '· recorded mood = "ok" (theme: feelings)' in result.output
    assert result.output.endswith("· submitted, shared with: iro\n")


def test_run_stops_cleanly_at_the_end_of_input() -> None:
    result = CliRunner().invoke(flows, ["run", "checkin"], input="3\n")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("(end of input)\n")


def test_run_uses_the_age_and_kind() -> None:
    args = ["run", "child_before_conference", "--age", "6", "--kind", "rcpc"]
    result = CliRunner().invoke(flows, args, input="skip\nskip\nskip\n")
    assert "what makes you feel sad or scared?" in result.output
    assert "Since the last conference" in result.output


def test_run_accepts_a_flow_file() -> None:
    path = FLOWS_DIR / "iro_outcome.yaml"
    result = CliRunner().invoke(flows, ["run", str(path), "--audience", "iro"], input="")
    assert result.exit_code == 0 and "When was the meeting held?" in result.output


def test_run_names_the_known_flows_when_one_is_missing() -> None:
    result = CliRunner().invoke(flows, ["run", "nope"])
    assert result.exit_code == 2
    assert "no flow 'nope'; known flows: checkin, child_after_review" in result.output
