"""`mysay screen`: one JSON line out for every line of text in."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli import screen


def test_screen_is_registered_as_a_command_named_screen() -> None:
    assert [command.name for command in screen.COMMANDS] == ["screen"]


def test_screen_prints_one_json_object_per_input_line() -> None:
    lines = ["my step dad hits me", "", "this homework is killing me", "i feel sad all the time"]
    result = CliRunner().invoke(screen.screen_command, input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.output.splitlines()]
    assert [line["level"] for line in found] == ["urgent", "none", "none", "concern"]
    assert "physical_abuse" in found[0]["categories"] and "low_mood" in found[3]["categories"]
    assert found[1]["categories"] == found[2]["categories"] == []


def test_screen_never_echoes_the_input_even_when_showing_rule_ids() -> None:
    text = "i want to kms tonight"
    result = CliRunner().invoke(screen.screen_command, ["--show-rules"], input=text + "\n")
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    assert output["level"] == "urgent"
    assert output["rules"] == ["self_harm.suicide_first_person"]
    assert "kms" not in result.output
    assert "tonight" not in result.output


def test_screen_with_no_input_prints_nothing() -> None:
    result = CliRunner().invoke(screen.screen_command, input="")
    assert result.exit_code == 0
    assert result.output == ""
