"""The conversation use case: updates handled once, buttons checked against the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app.conversation import Conversations, Purpose
from bot.app.housekeeping import prune_old_records
from bot.app.joining import JoinResult, redeem
from bot.app.ports import UpdateKey
from bot.app.replies import Notice
from bot.app.run_store import RunStore
from bot.bootstrap import Services
from bot.telegram.callbacks import RunButton
from conversations.events import Asked, Choose, Rejected, Text
from conversations.flow_versions import load_library
from conversations.safeguarding import assess
from storage.models import Answer, Flag, Run
from tests.e2e.conftest import CHILD_ID, seed_case
from tests.support import FIXED_NOW, issue_invitation


def _conversations(services: Services) -> Conversations:
    store = RunStore(lambda text: (), services.clock)
    return Conversations(services, load_library(), assess, store)


async def _joined_child(services: Services) -> Conversations:
    await seed_case(services)
    code = await issue_invitation(services, "C001", "child")
    assert (await redeem(services, CHILD_ID, code, UpdateKey(999_001))).result is JoinResult.joined
    return _conversations(services)


async def _answers(services: Services) -> int:
    async with services.uow() as uow:
        return int(await uow.session.scalar(select(func.count(Answer.id))) or 0)


async def test_a_resent_update_is_handled_once(services: Services) -> None:
    conversations = await _joined_child(services)
    started = await conversations.begin(CHILD_ID, UpdateKey(1), Purpose.review)
    assert started.run_id is not None
    first = await conversations.act(CHILD_ID, UpdateKey(2), Choose("ok"))
    assert first.events and await _answers(services) == 1
    again = await conversations.act(CHILD_ID, UpdateKey(2), Choose("ok"))
    assert again.notices == (Notice.duplicate,) and again.events == ()
    await conversations.act(CHILD_ID, UpdateKey(3), Text("my room is nice"))
    await conversations.act(CHILD_ID, UpdateKey(3), Text("my room is nice"))
    assert await _answers(services) == 2


async def test_a_button_for_another_step_changes_nothing(services: Services) -> None:
    conversations = await _joined_child(services)
    started = await conversations.begin(CHILD_ID, UpdateKey(1), Purpose.review)
    assert started.run_id is not None
    stale = RunButton(started.run_id, "school_feel", Choose("happy"))
    outcome = await conversations.act(CHILD_ID, UpdateKey(2), stale.action, stale)
    assert Notice.stale_button in outcome.notices
    assert await _answers(services) == 0


class BrokenStore(RunStore):
    """A run store whose every save fails, as a full disk or a lost race would."""

    async def save(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")


async def test_a_failure_after_screening_keeps_the_flag_and_its_alerts(
    services: Services,
) -> None:
    conversations = await _joined_child(services)
    await conversations.begin(CHILD_ID, UpdateKey(1), Purpose.review)
    await conversations.act(CHILD_ID, UpdateKey(2), Choose("ok"))
    broken = Conversations(
        services, conversations.flows, assess, BrokenStore(lambda t: (0.0, ()), services.clock)
    )
    with pytest.raises(RuntimeError):
        await broken.act(CHILD_ID, UpdateKey(3), Text("my stepdad hits me"))
    async with services.uow() as uow:
        flags = (await uow.session.scalars(select(Flag))).all()
        assert [(f.level, f.source_update_id) for f in flags] == [("urgent", 3)]
        assert [m.purpose for m in await uow.outbox.due(services.clock())] == ["flag_alert"] * 2
    # Telegram resends the update: the answer goes in now, and no second flag is raised.
    outcome = await conversations.act(CHILD_ID, UpdateKey(3), Text("my stepdad hits me"))
    assert outcome.screening is not None and outcome.screening.level == "urgent"
    async with services.uow() as uow:
        assert len((await uow.session.scalars(select(Flag))).all()) == 1
    assert await _answers(services) == 2


async def test_an_update_id_telegram_reuses_a_week_later_is_a_new_update(
    services: Services,
) -> None:
    conversations = await _joined_child(services)
    await conversations.begin(CHILD_ID, UpdateKey(1), Purpose.review)
    await conversations.act(CHILD_ID, UpdateKey(2), Choose("ok"))
    await conversations.act(CHILD_ID, UpdateKey(3), Text("my stepdad hits me"))
    # After a quiet week Telegram may number updates from 1 again.
    later = replace(services, clock=lambda: FIXED_NOW + timedelta(days=8))
    await prune_old_records(later)
    again = Conversations(later, conversations.flows, assess, conversations.store)
    outcome = await again.act(CHILD_ID, UpdateKey(3), Text("he hurt me again last night"))
    assert Notice.duplicate not in outcome.notices
    async with services.uow() as uow:
        flags = (await uow.session.scalars(select(Flag))).all()
        assert [f.source_update_id for f in flags] == [3, 3]  # a second flag, not refused


async def _strand_the_open_run(services: Services) -> None:
    """Make the open run point at a step its flow no longer has, as after a flow edit."""
    async with services.uow() as uow:
        row = (await uow.session.scalars(select(Run))).one()
        state = uow.runs.read_state(row)
        state["current_step"] = "removed_step"
        uow.runs.write_state(row, state)
        row.current_step = "removed_step"
        await uow.commit()


async def test_a_run_stranded_by_a_flow_edit_never_blocks_the_child(services: Services) -> None:
    conversations = await _joined_child(services)
    await conversations.begin(CHILD_ID, UpdateKey(1), Purpose.review)
    await _strand_the_open_run(services)
    refused = await conversations.act(CHILD_ID, UpdateKey(2), Text("hello"))
    assert [e.reason for e in refused.events if isinstance(e, Rejected)] == ["flow_changed"]
    again = await conversations.begin(CHILD_ID, UpdateKey(3), Purpose.review)
    assert any(isinstance(e, Asked) for e in again.events)
    async with services.uow() as uow:
        statuses = [r.status for r in (await uow.session.scalars(select(Run).order_by(Run.id)))]
    assert statuses == ["cancelled", "waiting"]


async def test_resuming_a_stranded_run_starts_afresh(services: Services) -> None:
    conversations = await _joined_child(services)
    await conversations.begin(CHILD_ID, UpdateKey(1), Purpose.review)
    await _strand_the_open_run(services)
    again = await conversations.begin(CHILD_ID, UpdateKey(2), Purpose.review)
    assert Notice.resumed not in again.notices
    assert any(isinstance(e, Asked) for e in again.events)
