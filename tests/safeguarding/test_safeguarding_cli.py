"""`mysay screen`: one JSON line out for every line of text in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import screen
from conversations.safeguarding.labelled import LabelledFileError, read_labelled


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


def test_a_set_in_several_languages_is_measured_per_language_too(tmp_path: Path) -> None:
    labelled = tmp_path / "mixed.tsv"
    labelled.write_text(
        "language\tlevel\ttext\n"
        "en\turgent\ti am going to kill myself tonight\n"
        "en\tnone\tI like my room\n"
        "pl\tnone\tLubię mój pokój i mojego kota\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(screen.screen_command, ["--evaluate", str(labelled)])
    assert result.exit_code == 0, result.output
    assert "mixed.tsv: 3 messages" in result.output
    assert "mixed.tsv [en]: 2 messages" in result.output
    # Polish is not read by the English layers: a person reads it instead.
    assert "mixed.tsv [pl]: 1 messages" in result.output


def test_a_bad_language_code_is_named_by_line_and_column(tmp_path: Path) -> None:
    labelled = tmp_path / "bad.tsv"
    labelled.write_text("language\tlevel\ttext\nPolish!\tnone\tDzień dobry\n", encoding="utf-8")
    with pytest.raises(LabelledFileError, match="line 2, column language"):
        read_labelled(labelled)


def test_lines_are_screened_in_the_language_given() -> None:
    polish = CliRunner().invoke(
        screen.screen_command, ["--language", "pl", "--show-rules"], input="chcę zabić się\n"
    )
    answer = json.loads(polish.output)
    assert answer["level"] == "urgent" and "self_harm_suicide" in answer["categories"]


def test_a_dash_marks_no_age_and_a_bad_file_is_a_clear_error_not_a_traceback(
    tmp_path: Path,
) -> None:
    labelled = tmp_path / "dashes.tsv"
    labelled.write_text(
        "level\tcategories\taudience\tage\ttext\n"
        "none\t-\tparent\t-\tThe meeting was well run\n"
        "none\t-\tchild\tten\tI like my room\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(screen.screen_command, ["--evaluate", str(labelled)])
    assert result.exit_code == 1 and result.exception is not None
    assert isinstance(result.exception, SystemExit)
    assert "dashes.tsv: line 3, column age: 'ten' is not a whole number" in result.output
    labelled.write_text(labelled.read_text().replace("\tten\t", "\t10\t"), encoding="utf-8")
    assert [m.age for m in read_labelled(labelled)] == [None, 10]


def test_false_flags_are_counted_by_the_layer_that_raised_them(tmp_path: Path) -> None:
    # A message labelled harmless here that a rule flags stands for a rule's false flag.
    labelled = tmp_path / "flags.tsv"
    labelled.write_text(
        "level\ttext\nnone\tmy step dad hits me\nnone\tI like my room\n", encoding="utf-8"
    )
    result = CliRunner().invoke(screen.screen_command, ["--evaluate", str(labelled)])
    assert result.exit_code == 0, result.output
    assert "    by layer: rules 1\n" in result.output
