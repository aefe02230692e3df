"""The conversation use case: updates handled once, buttons checked against the database."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.bootstrap import Services
from bot.callbacks import RunButton
from bot.usecases.conversation import Conversations, Notice, Purpose
from bot.usecases.joining import JoinResult, redeem
from bot.usecases.run_store import RunStore
from conversations.events import Choose, Text
from conversations.flow_check import load_flows
from conversations.safeguarding import assess
from storage import admin
from storage.models import Answer
from tests.e2e.conftest import CHILD_ID, seed_case


def _conversations(services: Services) -> Conversations:
    store = RunStore(lambda text: (0.0, ()), services.clock)
    return Conversations(services, load_flows(), assess, store)


async def _joined_child(services: Services) -> Conversations:
    await seed_case(services)
    async with services.uow() as uow:
        issued = await admin.create_invitation(
            uow, services.clock(), 14, case_ref="C001", role="child"
        )
        await uow.commit()
    assert (await redeem(services, CHILD_ID, issued.code)).result is JoinResult.joined
    return _conversations(services)


async def _answers(services: Services) -> int:
    async with services.uow() as uow:
        return int(await uow.session.scalar(select(func.count(Answer.id))) or 0)


async def test_a_resent_update_is_handled_once(services: Services) -> None:
    conversations = await _joined_child(services)
    started = await conversations.begin(CHILD_ID, 1, Purpose.review)
    assert started.run_id is not None
    first = await conversations.act(CHILD_ID, 2, Choose("ok"))
    assert first.events and await _answers(services) == 1
    again = await conversations.act(CHILD_ID, 2, Choose("ok"))
    assert again.notices == (Notice.duplicate,) and again.events == ()
    await conversations.act(CHILD_ID, 3, Text("my room is nice"))
    await conversations.act(CHILD_ID, 3, Text("my room is nice"))
    assert await _answers(services) == 2


async def test_a_button_for_another_step_changes_nothing(services: Services) -> None:
    conversations = await _joined_child(services)
    started = await conversations.begin(CHILD_ID, 1, Purpose.review)
    assert started.run_id is not None
    stale = RunButton(started.run_id, "school_feel", Choose("happy"))
    outcome = await conversations.act(CHILD_ID, 2, stale.action, stale)
    assert Notice.stale_button in outcome.notices
    assert await _answers(services) == 0
