"""A disclosure in a free-text answer: support at once, an alert to the IRO, acted on."""

from __future__ import annotations

from sqlalchemy import select

from bot.emulator.models import CallbackAnswer
from bot.telegram.application import PTBApplication
from bot.telegram.handlers.context import BotDeps
from storage.models import AuditEvent, Flag, OutboxMessage
from tests.e2e.conftest import CHILD_ID, IRO_ID, MANAGER_ID, PARENT_ID, RunningBot
from tests.e2e.driver import Person, join
from tests.support import MutableClock, eventually

DISCLOSURE = "my stepdad hits me when mum is at work"
GROUP_ID = -100200300


async def _linked_staff(bot: RunningBot) -> tuple[Person, Person]:
    iro, manager = bot.person(IRO_ID), bot.person(MANAGER_ID)
    assert "staff account" in (await join(iro, await bot.invite_staff("iro1"))).text
    assert "staff account" in (await join(manager, await bot.invite_staff("manager1"))).text
    return iro, manager


async def _child_types_a_disclosure(bot: RunningBot) -> Person:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    await child.press("OK", await child.question())
    await child.question()
    await child.type(DISCLOSURE)
    return child


def _deps(application: PTBApplication) -> BotDeps:
    found: BotDeps = application.bot_data["mysay"]
    return found


async def test_a_disclosure_gets_support_an_alert_and_is_closed_with_a_note(
    bot: RunningBot,
) -> None:
    iro, _manager = await _linked_staff(bot)
    child = await _child_types_a_disclosure(bot)
    support = await child.read(lambda m: not m.edited)
    assert "0800 1111" in support.text and "999" in support.text
    assert "did the right thing" in support.text
    # The run carries on: the next question follows the support message.
    assert "school" in (await child.question()).text

    alert = await iro.read_until("Safeguarding alert")
    assert "Case: C001" in alert.text and "URGENT" in alert.text
    assert "physical abuse" in alert.text and "Acknowledge by: Mon 30 Nov, 10:00 am" in alert.text
    # Why, and in answer to what, but never the words themselves.
    assert "Answering: " in alert.text and "Why: rule physical.hurt_by_someone" in alert.text
    assert DISCLOSURE not in alert.text
    await iro.type("/flags")
    listed = await iro.read_until("#1 URGENT")
    assert "case C001" in listed.text and "respond by" in listed.text
    assert "Why: rule physical.hurt_by_someone" in listed.text and DISCLOSURE not in listed.text
    await iro.press("Open the words", alert)
    words = await iro.read_until("Their words")
    assert DISCLOSURE in words.text
    await iro.press("Acknowledge", alert)
    assert "Acknowledged" in (await iro.read_until("Acknowledged")).text
    await iro.type("/close 1 Spoke to the child and carer; strategy discussion booked")
    assert "Closed" in (await iro.read_until("Closed")).text
    await iro.type("/flags")
    assert "No open safeguarding flags" in (await iro.read_until("safeguarding flags")).text

    async with bot.services.uow() as uow:
        flag = (await uow.session.scalars(select(Flag))).one()
        assert (flag.level, flag.status, flag.categories) == ("urgent", "closed", "physical_abuse")
        assert uow.flags.text(flag) == DISCLOSURE
        assert "strategy discussion" in (uow.flags.close_note(flag) or "")
        actions = [e.action for e in (await uow.session.scalars(select(AuditEvent))).all()]
        assert "flag_words_read" in actions and "flag_closed" in actions


async def test_the_alert_is_delivered_even_when_telegram_fails_at_first(
    bot: RunningBot, clock: MutableClock
) -> None:
    iro, manager = await _linked_staff(bot)
    deliver = _deps(bot.application).deliver_outbox
    assert deliver is not None
    await bot.emulator.set_blocked(IRO_ID, True)  # Telegram refuses the IRO's chat (403)
    child = await _child_types_a_disclosure(bot)
    assert "0800 1111" in (await child.read(lambda m: "0800 1111" in m.text)).text
    assert "C001" in (await manager.read_until("Safeguarding alert")).text
    await child.question()  # the child's turn is over: faults below hit the alert alone

    async def iro_alert() -> tuple[int, bool]:
        """How often the IRO's alert was tried, and whether it was sent."""
        async with bot.services.uow() as uow:
            query = select(OutboxMessage).where(OutboxMessage.chat_id == IRO_ID)
            alert = (await uow.session.scalars(query)).one()
            return alert.attempts, alert.sent_at is not None

    async def refused_once() -> bool:
        return (await iro_alert())[0] >= 1

    assert await eventually(refused_once)
    await bot.emulator.set_blocked(IRO_ID, False)
    for status in (500, 502, 429):
        await bot.emulator.fail_next("sendMessage", count=1, status=status, retry_after=1)
        clock.advance(minutes=10)  # past any backoff, so the next sweep tries again
        await deliver()
    clock.advance(minutes=10)
    await deliver()
    assert "C001" in (await iro.read_until("Safeguarding alert")).text

    async def delivered() -> bool:
        return (await iro_alert())[1]

    assert await eventually(delivered)
    assert (await iro_alert())[0] >= 3


async def test_an_unacknowledged_urgent_flag_is_escalated_to_managers(
    bot: RunningBot, clock: MutableClock
) -> None:
    _iro, manager = await _linked_staff(bot)
    await _child_types_a_disclosure(bot)
    await manager.read_until("Safeguarding alert")
    clock.advance(minutes=61)
    escalate = _deps(bot.application)
    from bot.app.safeguarding import escalate_overdue

    async with escalate.services.uow() as uow:
        assert await escalate_overdue(uow, clock(), bot.services.settings.zone) == 1
        await uow.commit()
    assert escalate.deliver_outbox is not None
    await escalate.deliver_outbox()
    again = await manager.read_until("ESCALATED")
    assert "C001" in again.text
    async with bot.services.uow() as uow:
        assert await escalate_overdue(uow, clock(), bot.services.settings.zone) == 0


async def test_idioms_raise_no_flag(bot: RunningBot) -> None:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    await child.press("OK", await child.question())
    await child.question()
    await child.type("this homework is killing me lol")
    assert "school" in (await child.question()).text
    async with bot.services.uow() as uow:
        assert (await uow.session.scalars(select(Flag))).all() == []


async def test_a_message_outside_any_flow_is_screened_too(bot: RunningBot) -> None:
    iro, _manager = await _linked_staff(bot)
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("i dont want to be alive anymore")
    support = await child.read()
    assert "0800 1111" in support.text
    assert "C001" in (await iro.read_until("Safeguarding alert")).text
    async with bot.services.uow() as uow:
        flag = (await uow.session.scalars(select(Flag))).one()
        assert (flag.level, flag.run_id) == ("urgent", None)


async def _parent_at_a_text_question(bot: RunningBot) -> Person:
    parent = bot.person(PARENT_ID)
    await join(parent, await bot.invite("C001", "parent"))
    await parent.type("/feedback")
    question = await parent.question()
    for _ in range(6):
        if "Type your answer" in question.text:
            break
        await parent.press(question.buttons[0][0], question)
        question = await parent.question()
    return parent


async def test_a_parents_worry_about_the_child_raises_a_flag(bot: RunningBot) -> None:
    iro, _manager = await _linked_staff(bot)
    parent = await _parent_at_a_text_question(bot)
    await parent.type("her stepdad hits her when he is drunk")
    support = await parent.read(lambda m: "999" in m.text)
    # Words for an adult: their own crisis line, not Childline.
    assert "116 123" in support.text and "0800 1111" not in support.text
    alert = await iro.read_until("Safeguarding alert")
    assert "C001" in alert.text and "Written by: the parent" in alert.text
    async with bot.services.uow() as uow:
        flag = (await uow.session.scalars(select(Flag))).one()
        assert flag.level == "urgent" and flag.child_id is not None


async def test_a_parents_fear_of_the_plan_gets_advice_and_raises_no_flag(bot: RunningBot) -> None:
    await _linked_staff(bot)
    parent = await _parent_at_a_text_question(bot)
    await parent.type("im so scared theyll take my son away from me at this meeting")
    reply = await parent.read(lambda m: "Family Rights Group" in m.text or "0800" in m.text)
    assert "Family Rights Group" in reply.text and "Childline" not in reply.text
    # Families give feedback after the meeting: the reply promises no reading before it.
    assert "before the meeting" not in reply.text and "Once you send your feedback" in reply.text
    async with bot.services.uow() as uow:
        assert (await uow.session.scalars(select(Flag))).all() == []


async def test_a_concern_reaches_the_iro_with_two_working_days_to_respond(
    bot: RunningBot,
) -> None:
    iro, _manager = await _linked_staff(bot)
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("people at school keep bullying me")
    assert "Your IRO will read this" in (await child.read()).text
    alert = await iro.read_until("Safeguarding alert")
    assert "Level: CONCERN" in alert.text and "Respond by: Wed 2 Dec, 9:00 am" in alert.text


async def test_an_alert_forwarded_into_a_group_never_shows_the_words_there(
    bot: RunningBot,
) -> None:
    iro, _manager = await _linked_staff(bot)
    await _child_types_a_disclosure(bot)
    alert = await iro.read_until("Safeguarding alert")
    state = bot.emulator.state
    group = state.chat(GROUP_ID)
    group.started = True  # the bot could post there, if it wrongly tried
    data = next(d for label, d in alert.buttons if "Open" in label)
    query_id = "group-press"
    state.callbacks[query_id] = CallbackAnswer(query_id, state.next_update_id, IRO_ID, data)
    group_chat = {"id": GROUP_ID, "type": "group", "title": "Team chat"}
    message = {"message_id": 1, "date": state.now(), "chat": group_chat, "text": alert.text}
    state.push_update(
        "callback_query",
        {
            "id": query_id,
            "from": {"id": IRO_ID, "is_bot": False, "first_name": "Iro"},
            "message": message,
            "chat_instance": "group",
            "data": data,
        },
    )

    async def answered() -> bool:
        return state.callbacks[query_id].answered

    assert await eventually(answered)
    assert "private chat" in (state.callbacks[query_id].text or "")
    assert group.events == []
    async with bot.services.uow() as uow:
        reads = (await uow.session.scalars(select(AuditEvent))).all()
        assert "flag_words_read" not in [event.action for event in reads]
