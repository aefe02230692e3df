"""/myanswers shows what a person sent as they were asked it, after the flow changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app.conversation import Conversations, Purpose
from bot.app.joining import JoinResult, redeem
from bot.app.ports import UpdateKey
from bot.app.run_store import RunStore
from bot.bootstrap import Services
from conversations.events import Choose, Input, Send, Skip, SummaryShown, Text
from conversations.flow_versions import keep_versions, load_library
from conversations.safeguarding import assess
from storage.models import Run
from tests.e2e.conftest import CHILD_ID, seed_case
from tests.flow_changes import change_flow, kept_flows
from tests.support import FIXED_NOW, issue_invitation

MOOD = "How are you feeling today?"
MOOD_NOW = "How do you feel this week?"
MESSAGE = (
    "Is there anything you want your IRO to know? Your IRO is the person who runs your "
    "review meetings."
)
CONTACT = "Would you like your IRO to get in touch with you?"


def _conversations(services: Services, folder: Path) -> Conversations:
    store = RunStore(lambda text: (), services.clock)
    return Conversations(services, load_library(folder), assess, store)


async def _joined_child(services: Services, tmp_path: Path) -> Path:
    """Child C001 joined, and a folder with the check-in flow's current version kept."""
    await seed_case(services)
    code = await issue_invitation(services, "C001", "child")
    assert (await redeem(services, CHILD_ID, code, UpdateKey(999_001))).result is JoinResult.joined
    return kept_flows(tmp_path, "checkin")


async def _check_in(conversations: Conversations, first_update: int, *inputs: Input) -> None:
    await conversations.begin(CHILD_ID, UpdateKey(first_update), Purpose.checkin)
    for offset, action in enumerate(inputs, start=1):
        await conversations.act(CHILD_ID, UpdateKey(first_update + offset), action)


async def test_my_answers_reads_as_the_version_i_answered(
    services: Services, tmp_path: Path
) -> None:
    folder = await _joined_child(services, tmp_path)
    before = _conversations(services, folder)
    await _check_in(before, 1, Choose("happy"), Text("school was fine"), Choose("no"), Send())
    change_flow(
        folder,
        "checkin",
        reword={"mood": MOOD_NOW},
        rename={("mood", "happy"): "🙂 Good"},
        remove=("contact_me",),
    )
    keep_versions(folder)
    # A day later, so the newer check-in is listed first.
    after = _conversations(replace(services, clock=lambda: FIXED_NOW + timedelta(days=1)), folder)
    sent = await after.sent_runs(CHILD_ID)
    assert [run.answers for run in sent] == [
        ((MOOD, "🙂 Happy"), (MESSAGE, "school was fine"), (CONTACT, "No"))
    ]
    await _check_in(after, 10, Choose("happy"), Skip(), Send())
    newest, first = await after.sent_runs(CHILD_ID)
    assert newest.answers == ((MOOD_NOW, "🙂 Good"), (MESSAGE, "Not answered"))
    assert first.answers[0] == (MOOD, "🙂 Happy")


async def test_a_run_carried_on_under_a_new_version_reads_as_the_summary_it_was_sent_from(
    services: Services, tmp_path: Path
) -> None:
    folder = await _joined_child(services, tmp_path)
    await _check_in(_conversations(services, folder), 1, Choose("happy"))
    # The flow changes while the check-in waits on its second question.
    newer = change_flow(
        folder, "checkin", reword={"mood": MOOD_NOW}, rename={("mood", "happy"): "Good"}
    )
    keep_versions(folder)
    after = _conversations(services, folder)
    await after.act(CHILD_ID, UpdateKey(10), Text("fine"))
    shown = await after.act(CHILD_ID, UpdateKey(11), Choose("no"))
    summary = next(e for e in shown.events if isinstance(e, SummaryShown))
    await after.act(CHILD_ID, UpdateKey(12), Send())
    (sent,) = await after.sent_runs(CHILD_ID)
    assert sent.answers == tuple((item.question, item.answer_text) for item in summary.items)
    assert sent.answers[0] == (MOOD_NOW, "Good")
    async with services.uow() as uow:
        assert list(await uow.session.scalars(select(Run.flow_version))) == [newer]
