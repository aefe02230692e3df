"""One input, one transaction: the answer, its screening and any flag are committed together,
and the answers stored are the ones the engine's events name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, func, select

from bot.app.conversation import Conversations, Purpose
from bot.app.joining import JoinResult, redeem
from bot.app.ports import UpdateKey
from bot.app.replies import Notice
from bot.app.run_store import RunStore
from bot.bootstrap import Services
from conversations.events import Back, Cancel, Choose, Send, Skip, Submitted, Text
from conversations.flow_check import load_flows
from conversations.safeguarding import assess
from feedback_reports.text_signals import find_themes
from storage.models import Answer, Flag, OutboxMessage
from tests.e2e.conftest import CHILD_ID, seed_case
from tests.support import issue_invitation

WORRYING = "my stepdad hits me"  # a generated example


@dataclass
class Transactions:
    begun: int = 0
    committed: int = 0


@contextmanager
def counting(services: Services) -> Iterator[Transactions]:
    """Count the transactions begun and committed on the services' database meanwhile."""
    seen = Transactions()
    engine = services.database.engine.sync_engine

    def begun(*_: Any) -> None:
        seen.begun += 1

    def committed(*_: Any) -> None:
        seen.committed += 1

    event.listen(engine, "begin", begun)
    event.listen(engine, "commit", committed)
    try:
        yield seen
    finally:
        event.remove(engine, "begin", begun)
        event.remove(engine, "commit", committed)


async def _child_in(services: Services, purpose: Purpose, *, held: bool = False) -> Conversations:
    await seed_case(services, held=held)
    code = await issue_invitation(services, "C001", "child")
    assert (await redeem(services, CHILD_ID, code, UpdateKey(999_001))).result is JoinResult.joined
    conversations = Conversations(
        services, load_flows(), assess, RunStore(find_themes, services.clock)
    )
    await conversations.begin(CHILD_ID, UpdateKey(1), purpose)
    return conversations


async def _answers(services: Services) -> dict[str, tuple[str | None, str | None]]:
    """Each stored answer's step, with its option and the themes noted in its words."""
    async with services.uow() as uow:
        answers = await uow.session.scalars(select(Answer).order_by(Answer.id))
        return {a.step_id: (a.choice, uow.runs.answer_themes(a)) for a in answers}


async def _count(services: Services, model: type[Flag] | type[OutboxMessage]) -> int:
    async with services.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_typed_answer_and_a_pressed_button_are_one_transaction_each(
    services: Services,
) -> None:
    conversations = await _child_in(services, Purpose.review)
    with counting(services) as pressed:
        await conversations.act(CHILD_ID, UpdateKey(2), Choose("ok"))
    with counting(services) as typed:
        await conversations.act(CHILD_ID, UpdateKey(3), Text("my room is nice"))
    assert (pressed.begun, pressed.committed) == (1, 1)
    assert (typed.begun, typed.committed) == (1, 1)
    assert set(await _answers(services)) == {"home_feel", "home_more"}


async def test_a_worrying_answer_commits_its_flag_and_alerts_with_the_answer(
    services: Services,
) -> None:
    conversations = await _child_in(services, Purpose.review)
    await conversations.act(CHILD_ID, UpdateKey(2), Choose("ok"))
    with counting(services) as seen:
        outcome = await conversations.act(CHILD_ID, UpdateKey(3), Text(WORRYING))
    assert outcome.screening is not None and outcome.screening.level == "urgent"
    assert (seen.begun, seen.committed) == (1, 1)
    assert await _count(services, Flag) == 1
    assert await _count(services, OutboxMessage) == 2  # the IRO and the manager
    assert "home_more" in await _answers(services)


async def test_a_resent_update_is_not_screened_again(services: Services) -> None:
    conversations = await _child_in(services, Purpose.review)
    await conversations.act(CHILD_ID, UpdateKey(2), Choose("ok"))
    await conversations.act(CHILD_ID, UpdateKey(3), Text(WORRYING))
    again = await conversations.act(CHILD_ID, UpdateKey(3), Text(WORRYING))
    assert again.screening is None and again.events == ()
    assert await _count(services, Flag) == 1


async def test_words_typed_outside_a_flow_are_still_screened_and_flagged(
    services: Services,
) -> None:
    conversations = await _child_in(services, Purpose.checkin)
    await conversations.act(CHILD_ID, UpdateKey(2), Cancel())
    outcome = await conversations.act(CHILD_ID, UpdateKey(3), Text(WORRYING))
    assert outcome.notices == (Notice.no_open_run,)
    assert outcome.screening is not None and outcome.screening.level == "urgent"
    assert await _count(services, Flag) == 1


async def test_a_skipped_question_loses_the_answer_it_had(services: Services) -> None:
    conversations = await _child_in(services, Purpose.checkin)
    await conversations.act(CHILD_ID, UpdateKey(2), Choose("ok"))
    await conversations.act(CHILD_ID, UpdateKey(3), Text("school was fine"))
    assert set(await _answers(services)) == {"mood", "message"}
    await conversations.act(CHILD_ID, UpdateKey(4), Back())
    await conversations.act(CHILD_ID, UpdateKey(5), Skip())
    assert set(await _answers(services)) == {"mood"}


async def test_answers_that_no_longer_apply_are_dropped(services: Services) -> None:
    conversations = await _child_in(services, Purpose.feedback, held=True)
    await conversations.act(CHILD_ID, UpdateKey(2), Choose("yes"))
    await conversations.act(CHILD_ID, UpdateKey(3), Choose("no"))
    await conversations.act(CHILD_ID, UpdateKey(4), Text("what happens with school"))
    assert set(await _answers(services)) == {"listened_to", "understood", "explain_more"}
    await conversations.act(CHILD_ID, UpdateKey(5), Back())
    await conversations.act(CHILD_ID, UpdateKey(6), Back())
    await conversations.act(CHILD_ID, UpdateKey(7), Choose("yes"))
    assert set(await _answers(services)) == {"listened_to", "understood"}
    assert (await _answers(services))["understood"] == ("yes", None)


async def test_themes_are_noted_when_the_run_is_sent_not_at_each_answer(
    services: Services,
) -> None:
    conversations = await _child_in(services, Purpose.checkin)
    await conversations.act(CHILD_ID, UpdateKey(2), Choose("ok"))
    await conversations.act(CHILD_ID, UpdateKey(3), Text("I want to see my brother more"))
    await conversations.act(CHILD_ID, UpdateKey(4), Choose("no"))
    assert (await _answers(services))["message"] == (None, None)
    sent = await conversations.act(CHILD_ID, UpdateKey(5), Send())
    assert any(isinstance(e, Submitted) for e in sent.events)
    assert (await _answers(services))["message"] == (None, "family_contact")
