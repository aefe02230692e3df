"""Kept flow versions: every version people answered stays, and a reworded flow needs a new one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.flows import flows
from conversations.engine import handle, start
from conversations.events import Choose
from conversations.flow_check import FLOWS_DIR, FlowError, load_flows
from conversations.flow_versions import FlowLibrary, load_library, wording
from conversations.runs import RunContext
from tests.flow_changes import change_flow, kept_flows
from tests.support import FIXED_NOW

MOOD = "How are you feeling today?"
# The packaged check-in's version: the one a copy of it is kept at.
NOW = load_flows(FLOWS_DIR)["checkin"].version


def check(folder: Path) -> Result:
    return CliRunner().invoke(flows, ["check", str(folder)])


def keep(folder: Path) -> Result:
    return CliRunner().invoke(flows, ["keep", str(folder)])


def test_every_packaged_flow_is_kept_at_its_version() -> None:
    library = load_library()
    assert set(library) == {path.stem for path in FLOWS_DIR.glob("*.yaml")}
    for flow_id, flow in library.items():
        assert (FLOWS_DIR / "archive" / f"{flow_id}.v{flow.version}.yaml").is_file()
        assert library.at(flow_id, flow.version) == flow
    # Versions answered before versions were kept, recovered from the repository's history.
    newest = library["child_before_review"].version
    assert [f.version for f in library.versions("child_before_review")] == [*range(newest, 0, -1)]
    newest = library["iro_outcome"].version
    assert [f.version for f in library.versions("iro_outcome", first=1)] == [
        1,
        *range(newest, 1, -1),
    ]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"reword": {"mood": "How do you feel this week?"}}, "step 'mood'"),
        ({"rename": {("mood", "happy"): "🙂 Good"}}, "step 'mood'"),
        ({"remove": ("contact_me",)}, "step 'contact_me'"),
    ],
)
def test_a_flow_reworded_without_a_new_version_is_refused(
    tmp_path: Path, change: dict[str, object], named: str
) -> None:
    folder = kept_flows(tmp_path, "checkin", "parent_feedback")
    change_flow(folder, "checkin", new_version=False, **change)  # type: ignore[arg-type]
    result = check(folder)
    assert result.exit_code == 1
    expected = (
        f"checkin.yaml: field 'version': is still {NOW}, but {named} changed since it was kept: "
        f"raise the version to {NOW + 1} and run `mysay flows keep`"
    )
    assert result.output.strip() == expected
    with pytest.raises(FlowError, match=f"is still {NOW}"):
        load_library(folder)
    # Keeping it would overwrite what the version said: refused, nothing written.
    kept = folder / "archive" / f"checkin.v{NOW}.yaml"
    before = kept.read_bytes()
    assert keep(folder).exit_code == 1
    assert kept.read_bytes() == before
    feedback = load_flows(FLOWS_DIR)["parent_feedback"].version
    assert sorted(p.name for p in (folder / "archive").iterdir()) == [
        f"checkin.v{NOW}.yaml",
        f"parent_feedback.v{feedback}.yaml",
    ]


def test_what_words_no_answer_may_change_within_a_version(tmp_path: Path) -> None:
    folder = kept_flows(tmp_path, "checkin")
    path = folder / "checkin.yaml"
    text = path.read_text("utf-8")
    calmer = text.replace("I'm sorry you feel like this today.", "That sounds hard.")
    path.write_text("# Reviewed in December.\n" + calmer, "utf-8")
    assert check(folder).exit_code == 0
    assert load_library(folder)["checkin"].step("mood") is not None


def test_a_new_version_is_kept_beside_the_old_one(tmp_path: Path) -> None:
    folder = kept_flows(tmp_path, "checkin")
    change_flow(folder, "checkin", reword={"mood": "How do you feel this week?"})
    result = check(folder)
    assert result.exit_code == 1
    assert f"checkin.yaml: field 'version': version {NOW + 1} is not kept in archive/" in (
        result.output
    )
    with pytest.raises(FlowError, match=f"version {NOW + 1} is not kept"):
        load_library(folder)
    kept = keep(folder)
    assert (kept.exit_code, kept.output) == (0, f"kept archive/checkin.v{NOW + 1}.yaml\n")
    assert keep(folder).output == "every flow's version is kept already\n"
    assert check(folder).exit_code == 0
    library = load_library(folder)
    asked = {v: library.at("checkin", v) for v in (NOW, NOW + 1)}
    assert {v: f.step("mood").text["en"] for v, f in asked.items() if f and f.step("mood")} == {
        NOW: MOOD,
        NOW + 1: "How do you feel this week?",
    }


def test_a_kept_version_must_be_named_for_the_flow_and_version_it_holds(tmp_path: Path) -> None:
    folder = kept_flows(tmp_path, "checkin")
    (folder / "archive" / f"checkin.v{NOW}.yaml").rename(folder / "archive" / "checkin.v7.yaml")
    result = check(folder)
    assert result.exit_code == 1
    assert (
        f"archive/checkin.v7.yaml: holds version {NOW} of 'checkin', "
        f"so must be named checkin.v{NOW}.yaml" in result.output
    )


def test_a_version_never_goes_down(tmp_path: Path) -> None:
    folder = kept_flows(tmp_path, "checkin")
    change_flow(folder, "checkin", reword={"mood": "How do you feel this week?"})
    keep(folder)
    text = (folder / "checkin.yaml").read_text("utf-8")
    lower = text.replace(f'"version": {NOW + 1}', f'"version": {NOW}')
    (folder / "checkin.yaml").write_text(lower, "utf-8")
    result = check(folder)
    assert f"is {NOW}, but version {NOW + 1} is kept: versions only go up" in result.output


def test_a_draft_file_outside_a_kept_folder_is_checked_alone(tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text((FLOWS_DIR / "checkin.yaml").read_text("utf-8"), "utf-8")
    assert CliRunner().invoke(flows, ["check", str(draft)]).exit_code == 0
    assert check(tmp_path).exit_code == 0  # no archive/ here: nothing kept to compare


def test_a_run_is_worded_from_its_version_then_the_newest_that_has_the_step(
    tmp_path: Path,
) -> None:
    folder = kept_flows(tmp_path, "checkin")
    for version in (NOW + 1, NOW + 2):
        change_flow(folder, "checkin", reword={"mood": f"Mood, version {version}"})
        keep(folder)
    library = load_library(folder)
    assert [f.version for f in library.versions("checkin", NOW + 1)] == [NOW + 1, NOW + 2, NOW]
    assert [f.version for f in library.versions("checkin")] == [NOW + 2, NOW + 1, NOW]
    assert [f.version for f in library.versions("checkin", 99)] == [NOW + 2, NOW + 1, NOW]
    assert library.at("checkin", 99) == library["checkin"]  # never kept: the current one
    assert library.at("nope", 1) is None
    first = library.at("checkin", NOW)
    assert first is not None and wording(first) != wording(library["checkin"])


def test_an_empty_library_knows_no_flow() -> None:
    empty = FlowLibrary({})
    assert (len(empty), empty.versions("checkin"), empty.at("checkin", 1)) == (0, [], None)


def test_a_run_carried_on_under_a_newer_version_records_it() -> None:
    first = load_library()["checkin"]
    started = start(first, RunContext(audience="child"), FIXED_NOW)
    newer = first.model_copy(update={"version": first.version + 1})
    answered = handle(newer, started.run, Choose("happy"), FIXED_NOW)
    assert (started.run.flow_version, answered.run.flow_version) == (NOW, NOW + 1)
