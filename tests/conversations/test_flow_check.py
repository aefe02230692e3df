"""Checks of flow files: broken files are reported with file, step and field, also by the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.flows import flows
from conversations.flow_check import (
    FLOWS_DIR,
    FlowError,
    FlowProblem,
    check_flow_file,
    load_flow,
    load_flows,
)
from conversations.flow_spec import Flow
from conversations.sharing import SHARE_CHOICES
from conversations.step_roles import NEEDED

HEADER = """\
spec_version: 1
id: broken
version: 1
title: {en: Broken}
audience: child
steps:
"""

WORRIES = """\
  - id: worries
    kind: text
    text: {en: "Any worries?"}
"""
ATTEND = """\
  - id: attend
    kind: choice
    text: {en: "Will you come?"}
    options:
      - {id: yes, label: {en: Yes}}
      - {id: no, label: {en: No}}
"""

REQUEST = """\
    request:
      kind: talk
      on: {on}
      about: {{en: "would like to talk"}}
      seen: {{en: "Your IRO knows."}}"""

# name: (steps, (step, field, words in the message))
BROKEN = {
    "missing_option_text": (
        ATTEND.replace("{id: no, label: {en: No}}", "{id: no, label: {cy: Na}}"),
        ("attend", "options.1.label", "needs text in the default locale 'en'"),
    ),
    "when_refers_to_a_later_step": (
        WORRIES.replace("kind: text", "kind: text\n    when: {answer: {step: attend, in: [no]}}")
        + ATTEND,
        ("worries", "when", "refers to later step 'attend'"),
    ),
    "duplicate_id": (ATTEND + ATTEND, ("attend", "id", "is used by an earlier step")),
    "unknown_kind": (
        WORRIES.replace("kind: text", "kind: essay"),
        ("worries", "kind", "Input should be 'info', 'choice'"),
    ),
    "when_can_never_match": (
        ATTEND
        + WORRIES.replace(
            "kind: text", "kind: text\n    when: {answer: {step: attend, in: [maybe]}}"
        ),
        ("worries", "when", "step 'attend' has no option 'maybe', so this can never match"),
    ),
    "contradiction": (
        ATTEND
        + WORRIES.replace(
            "kind: text",
            "kind: text\n    when: {all: [{age_band: [under_8]}, {not: {age_band: [under_8]}}]}",
        ),
        ("worries", "when", "can never be true"),
    ),
    "bad_id": (WORRIES.replace("id: worries", "id: Worries!"), ("Worries!", "id", "pattern")),
    "choice_without_options": (
        WORRIES.replace("kind: text", "kind: choice"),
        ("worries", "options", "needs at least two options"),
    ),
    "missing_prompt_text": (
        WORRIES.replace('text: {en: "Any worries?"}', "text: {fr: Des soucis}"),
        ("worries", "text", "needs text in the default locale 'en'"),
    ),
    "request_on_a_text_step": (
        WORRIES.replace("kind: text", "kind: text\n" + REQUEST.format(on="[yes]")),
        ("worries", "request", "only a step with options can raise a request"),
    ),
    "request_on_an_unknown_option": (
        ATTEND.replace("kind: choice", "kind: choice\n" + REQUEST.format(on="[maybe]")),
        ("attend", "request.on", "names options the step does not have: maybe"),
    ),
    "reply_to_an_unknown_option": (
        ATTEND.replace("kind: choice", "kind: choice\n    replies: {maybe: {en: Thanks}}"),
        ("attend", "replies", "names options the step does not have: maybe"),
    ),
    "share_with_unknown_option": (
        ATTEND.replace("kind: choice", "kind: choice\n    role: share_with"),
        ("attend", "role", "a step with role 'share_with' is a choice step with options from"),
    ),
    "unknown_role": (
        WORRIES.replace("kind: text", "kind: text\n    role: mood"),
        ("worries", "role", "Input should be 'share_with', 'attendance'"),
    ),
    "not_before_a_step_that_is_no_date": (
        ATTEND + '  - id: held\n    kind: date\n    not_before: attend\n    text: {en: "When?"}\n',
        ("held", "not_before", "names no earlier date step"),
    ),
    "not_before_on_a_text_step": (
        '  - id: held\n    kind: date\n    text: {en: "When?"}\n'
        + WORRIES.replace("kind: text", "kind: text\n    not_before: held"),
        ("worries", "no_future", "only date steps have date limits"),
    ),
    "role_on_the_wrong_kind": (
        WORRIES.replace("kind: text", "kind: text\n    role: rating"),
        ("worries", "role", "role 'rating' is a scale step with options from: 1, 2, 3, 4, 5"),
    ),
    "role_on_two_steps": (
        ATTEND.replace("kind: choice", "kind: choice\n    role: attendance")
        + '  - id: come\n    kind: yesno\n    role: attendance\n    text: {en: "Coming?"}\n',
        ("come", "role", "role 'attendance' is already on step 'attend'"),
    ),
}


def write(tmp_path: Path, name: str, steps: str) -> Path:
    """Write a flow file with the common header and these steps."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(HEADER + steps)
    return path


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_check_names_the_file_the_step_and_the_field(tmp_path: Path, name: str) -> None:
    steps, (step, field, words) = BROKEN[name]
    problems = check_flow_file(write(tmp_path, name, steps))
    assert len(problems) == 1, problems
    [problem] = problems
    assert (problem.file, problem.step, problem.field) == (f"{name}.yaml", step, field)
    assert words in problem.message
    assert str(problem).startswith(f"{name}.yaml: step '{step}': field '{field}': ")


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_cli_reports_each_broken_file_and_fails(tmp_path: Path, name: str) -> None:
    steps, (step, field, _) = BROKEN[name]
    path = write(tmp_path, name, steps)
    result = CliRunner().invoke(flows, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{name}.yaml: step '{step}': field '{field}': " in result.output


def test_load_flow_raises_with_the_problem_in_the_message(tmp_path: Path) -> None:
    steps, _ = BROKEN["when_refers_to_a_later_step"]
    with pytest.raises(FlowError) as raised:
        load_flow(write(tmp_path, "child_before_review", steps))
    assert str(raised.value) == (
        "child_before_review.yaml: step 'worries': field 'when': refers to later step 'attend'"
    )


def test_every_problem_in_a_file_is_reported(tmp_path: Path) -> None:
    steps = BROKEN["unknown_kind"][0] + BROKEN["missing_option_text"][0] + ATTEND
    problems = check_flow_file(write(tmp_path, "many", steps))
    assert {(p.step, p.field) for p in problems} == {
        ("worries", "kind"),
        ("attend", "options.1.label"),
        ("attend", "id"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "- just a list",
            FlowProblem("odd.yaml", None, None, "must be a mapping with a list of steps"),
        ),
        (
            HEADER + "  []",
            FlowProblem("odd.yaml", None, "steps", "must be a non-empty list of steps"),
        ),
        (
            HEADER.replace("spec_version: 1", "spec_version: 2") + WORRIES,
            FlowProblem("odd.yaml", None, "spec_version", "Input should be 1"),
        ),
    ],
)
def test_problems_outside_steps(tmp_path: Path, text: str, expected: FlowProblem) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(text)
    assert check_flow_file(path) == [expected]


def test_unreadable_yaml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("steps: [unclosed")
    [problem] = check_flow_file(path)
    assert problem.file == "bad.yaml" and problem.message.startswith("cannot be read")


def test_yes_no_and_age_bands_stay_text_without_quotes(tmp_path: Path) -> None:
    steps = ATTEND + WORRIES.replace(
        "kind: text", "kind: text\n    when: {age_band: [8_12], answer: {step: attend, in: [no]}}"
    )
    flow = load_flow(write(tmp_path, "unquoted", steps))
    assert flow.steps[0].option_ids == ("yes", "no")


def test_the_packaged_flows_pass_the_check() -> None:
    result = CliRunner().invoke(flows, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output == "7 flows OK\n"


def test_the_packaged_flows_mark_the_roles_the_bot_relies_on(
    packaged_flows: dict[str, Flow],
) -> None:
    expected = {
        "child_before_review": {"attendance", "talk_first", "advocate", "share_with"},
        "child_before_conference": {"attendance", "advocate", "share_with"},
        "child_after_review": {"quote_consent"},
        "parent_feedback": {"rating", "quote_consent"},
        "checkin": set(),
        "iro_outcome": {
            "held_on",
            "in_timescale",
            "participation",
            "seen_before",
            "note_to_child",
        },
        "iro_challenge": {
            "challenge_raised_on",
            "challenge_category",
            "challenge_stage",
            "challenge_resolved_on",
            "challenge_outcome",
        },
    }
    assert set(packaged_flows) == set(expected)
    for flow_id, roles in expected.items():
        flow = packaged_flows[flow_id]
        assert {step.role for step in flow.steps if step.role} == roles, flow_id
        assert NEEDED.get(flow_id, set()) <= roles
        consent = flow.step_with_role("quote_consent")
        # storage.models indexes the consent answers by this id, for the annual report.
        assert consent is None or consent.id == "may_quote", flow_id
        share = flow.step_with_role("share_with")
        if share is not None:
            assert set(share.option_ids) == set(SHARE_CHOICES)
    participation = packaged_flows["iro_outcome"].step("participation")
    assert participation is not None
    assert participation.option_ids == tuple(f"pn{n}" for n in range(8))


def test_two_files_with_one_flow_id_are_refused(tmp_path: Path) -> None:
    for name in ("one", "two"):
        write(tmp_path, name, WORRIES)
    with pytest.raises(FlowError, match=r"two\.yaml: field 'id': flow id 'broken' is used by"):
        load_flows(tmp_path)


def test_check_accepts_a_folder(tmp_path: Path) -> None:
    write(tmp_path, "fine", WORRIES)
    result = CliRunner().invoke(flows, ["check", str(tmp_path), str(FLOWS_DIR)])
    assert (result.exit_code, result.output) == (0, "8 flows OK\n")


def test_a_flow_the_bot_starts_must_mark_the_roles_it_relies_on(tmp_path: Path) -> None:
    outcome = (FLOWS_DIR / "iro_outcome.yaml").read_text(encoding="utf-8")
    path = tmp_path / "iro_outcome.yaml"
    path.write_text(outcome.replace("    role: participation\n", ""), encoding="utf-8")
    assert check_flow_file(path) == [
        FlowProblem(
            "iro_outcome.yaml",
            None,
            "role",
            "needs a step with role 'participation' (the bot relies on it)",
        )
    ]
    result = CliRunner().invoke(flows, ["check", str(path)])
    assert result.exit_code == 1 and "needs a step with role 'participation'" in result.output


def test_a_flow_nothing_starts_needs_no_roles(tmp_path: Path) -> None:
    assert check_flow_file(write(tmp_path, "experiment", WORRIES)) == []


def test_a_kept_version_may_lack_a_role_added_since(tmp_path: Path) -> None:
    outcome = (FLOWS_DIR / "iro_outcome.yaml").read_text(encoding="utf-8")
    path = tmp_path / "iro_outcome.v2.yaml"
    path.write_text(outcome.replace("    role: participation\n", ""), encoding="utf-8")
    assert load_flow(path, runs=False).step_with_role("participation") is None
    with pytest.raises(FlowError, match="needs a step with role 'participation'"):
        load_flow(path)
