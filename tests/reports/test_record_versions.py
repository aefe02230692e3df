"""The review record words each answer as the child was asked it, after the flow changed."""

from __future__ import annotations

from pathlib import Path

from bot.bootstrap import Services
from conversations.flow_check import FLOWS_DIR, load_flows
from conversations.flow_versions import FlowLibrary, keep_versions, load_library
from feedback_reports.labels import AnswerWords
from feedback_reports.record import build_review_record
from feedback_reports.record_model import ReviewRecord
from feedback_reports.render_record import render_text
from tests.e2e.conftest import seed_case
from tests.flow_changes import change_flow, kept_flows
from tests.reports.helpers import Given, participant, run
from tests.support import FIXED_NOW

LISTENED = "Did you feel listened to?"
UNDERSTOOD = "Do you understand what was decided at the meeting?"
UNDERSTOOD_NOW = "Is the plan clear to you now?"
SEEN_BEFORE = "Did your IRO see you or talk with you before the meeting?"
# The packaged version the child first answered; the test changes the flow to the next one.
OLD = load_flows(FLOWS_DIR)["child_after_review"].version


async def _seed(services: Services) -> None:
    """A child's feedback sent under the packaged version of the flow, and again under the next."""
    await seed_case(services)
    async with services.uow() as uow:
        child = await uow.children.by_case_ref("C001")
        assert child is not None
        review = await uow.reviews.next_for_child(child.id, FIXED_NOW.date())
        me = await participant(uow, 42, "child", child.id)
        answers = [
            Given("listened_to", "choice", "a_bit", theme="iro"),
            Given("understood", "choice", "some", theme="plan"),
        ]
        await run(
            uow,
            me,
            review,
            "child_after_review",
            *answers,
            Given("seen_before", "choice", "not_sure", theme="iro"),
            started="2026-11-20",
            submitted="2026-11-21",
            share_with="iro",
            flow_version=OLD,
        )
        await run(
            uow,
            me,
            review,
            "child_after_review",
            *answers,
            started="2026-11-25",
            submitted="2026-11-26",
            share_with="iro",
            flow_version=OLD + 1,
        )
        await uow.commit()


def _changed_flow(tmp_path: Path) -> Path:
    """The feedback flow at its next version: an option renamed, a question reworded, a step
    gone."""
    folder = kept_flows(tmp_path, "child_after_review")
    version = change_flow(
        folder,
        "child_after_review",
        reword={"understood": UNDERSTOOD_NOW},
        rename={("listened_to", "a_bit"): "Sometimes"},
        remove=("seen_before",),
    )
    assert version == OLD + 1 and keep_versions(folder)
    return folder


def _lines(record: ReviewRecord) -> dict[str, list[tuple[str, str]]]:
    return {
        group.theme: [(line.question, line.answer) for line in group.answers]
        for group in record.themes
    }


async def test_answers_read_as_the_version_they_were_given_in(
    services: Services, tmp_path: Path
) -> None:
    await _seed(services)
    library = load_library(_changed_flow(tmp_path))
    async with services.uow() as uow:
        record = await build_review_record(uow, "C001", now=FIXED_NOW, flows=library)
    assert _lines(record) == {
        "plan": [(UNDERSTOOD, "Some of it"), (UNDERSTOOD_NOW, "Some of it")],
        "iro": [
            (LISTENED, "A bit"),
            (SEEN_BEFORE, "I can't remember"),  # a step the next version no longer has
            (LISTENED, "Sometimes"),
        ],
    }
    text = render_text(record)
    assert f"Q: {UNDERSTOOD}\n   Some of it" in text and "   A bit" in text


async def test_without_the_kept_version_the_old_answers_would_read_as_the_new_one(
    services: Services, tmp_path: Path
) -> None:
    await _seed(services)
    current_only = FlowLibrary(load_library(_changed_flow(tmp_path)))
    async with services.uow() as uow:
        record = await build_review_record(uow, "C001", now=FIXED_NOW, flows=current_only)
    lines = _lines(record)
    assert lines["plan"][0] == (UNDERSTOOD_NOW, "Some of it")
    assert lines["iro"][:2] == [(LISTENED, "Sometimes"), ("seen before", "not sure")]


def test_counts_across_versions_are_worded_from_the_newest_version_that_has_them(
    tmp_path: Path,
) -> None:
    words = AnswerWords(load_library(_changed_flow(tmp_path)))
    assert words.question("child_after_review", None, "understood") == UNDERSTOOD_NOW
    assert words.option("child_after_review", None, "listened_to", "a_bit").words == "Sometimes"
    # Only version 1 asked this: its words still come from there, not from the ids.
    assert words.question("child_after_review", None, "seen_before") == SEEN_BEFORE
    assert words.option("child_after_review", None, "seen_before", "not_sure").words == (
        "I can't remember"
    )
    assert words.question("child_after_review", None, "gone") == "gone"
