"""A flow's `languages:` is a promise `mysay flows check` keeps; fallbacks are logged once."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.flows import flows
from bot.cli.i18n import i18n
from conversations.flow_check import check_flow_file, load_flow
from conversations.messages import localise

WELSH_FLOW = """\
spec_version: 1
id: croeso
version: 1
title: {{en: "Hello", cy: "Helo"}}
audience: child
languages: [{languages}]
steps:
  - id: mood
    kind: choice
    text: {{en: "How is {{meeting}}?", cy: "{cy_question}"}}
    options:
      - {{id: good, label: {{en: "Good", cy: "Da"}}}}
      - {{id: bad, label: {{en: "Bad"}}}}
"""


def _flow(tmp_path: Path, languages: str, cy_question: str = "Sut mae {meeting}?") -> Path:
    path = tmp_path / "croeso.yaml"
    path.write_text(WELSH_FLOW.format(languages=languages, cy_question=cy_question), "utf-8")
    return path


def test_a_flow_listing_a_language_it_does_not_fully_translate_fails_the_check(
    tmp_path: Path,
) -> None:
    problems = [str(p) for p in check_flow_file(_flow(tmp_path, "en, cy"))]

    assert problems == ["croeso.yaml: step 'mood': field 'options.1.label': has no 'cy' text"]
    result = CliRunner().invoke(flows, ["check", str(tmp_path / "croeso.yaml")])
    assert result.exit_code == 1
    assert "has no 'cy' text" in result.output


def test_a_translation_must_keep_the_english_placeholders(tmp_path: Path) -> None:
    problems = [str(p) for p in check_flow_file(_flow(tmp_path, "en, cy", "Sut mae {cyfarfod}?"))]

    assert "croeso.yaml: step 'mood': field 'text': 'cy' text must use the English" in (
        " ".join(problems)
    )


def test_a_flow_not_listing_the_language_may_be_part_translated(tmp_path: Path) -> None:
    assert check_flow_file(_flow(tmp_path, "en")) == []
    assert load_flow(_flow(tmp_path, "en")).languages == ("en",)


def test_english_must_be_one_of_the_languages(tmp_path: Path) -> None:
    problems = [str(p) for p in check_flow_file(_flow(tmp_path, "cy"))]

    assert any("must include 'en'" in problem for problem in problems)


def test_a_missing_flow_text_falls_back_to_english_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = {"en": "A question only English has, for this test"}
    with caplog.at_level(logging.WARNING, logger="conversations.messages"):
        shown = [localise(text, "pl") for _ in range(3)]

    assert shown == [text["en"]] * 3
    assert len([r for r in caplog.records if "no 'pl' text" in r.getMessage()]) == 1


def test_i18n_status_prints_coverage_for_every_translated_language() -> None:
    result = CliRunner().invoke(i18n, ["status"])

    assert result.exit_code == 0, result.output
    for heading in ("cy (Cymraeg)", "pl (Polski)", "uk (Українська)", "ar (العربية)"):
        assert heading in result.output
    assert "engine: " in result.output and "flow checkin: " in result.output
