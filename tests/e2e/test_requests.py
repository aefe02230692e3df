"""A child's request reaches a person: the IRO is alerted, sees it, marks it done, and the
child hears back at each step; a request nobody sees goes to a manager."""

from __future__ import annotations

from sqlalchemy import select

from bot.app.requests import escalate_unseen
from storage.models import ChildRequest
from tests.e2e.conftest import CHILD_ID, IRO_ID, MANAGER_ID, RunningBot
from tests.e2e.driver import Person, join
from tests.support import MutableClock


async def _child_checks_in_asking_for_contact(bot: RunningBot) -> Person:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/checkin")
    await child.press("Unhappy", await child.question())
    await child.question()
    await child.type("school has been hard this week")
    await child.press("Yes", await child.question())
    summary = await child.read(lambda m: any("Send" in label for label, _ in m.buttons))
    await child.press("Send", summary)
    await child.read_until("Thanks for checking in")
    return child


async def _staff(bot: RunningBot, user_id: int, username: str) -> Person:
    person = bot.person(user_id)
    assert "staff account" in (await join(person, await bot.invite_staff(username))).text
    return person


async def test_a_contact_request_alerts_the_iro_is_seen_done_and_the_child_told(
    bot: RunningBot,
) -> None:
    iro = await _staff(bot, IRO_ID, "iro1")
    child = await _child_checks_in_asking_for_contact(bot)

    alert = await iro.read_until("A child has asked for something")
    assert "Case: C001" in alert.text
    assert "Asked: would like you to get in touch" in alert.text
    assert "About: review on Monday 7 December" in alert.text
    assert "school has been hard" not in alert.text  # never the child's words

    await iro.type("/upcoming")
    upcoming = await iro.read_until("Your reviews")
    assert "Asked for: #" in upcoming.text and "get in touch (new)" in upcoming.text

    await iro.type("/requests")
    listed = await iro.read_until("would like you to get in touch")
    assert "(seen)" in listed.text and "Done" in [label for label, _ in listed.buttons]
    told = await child.read_until("Your IRO knows you want to talk")
    assert "They will get in touch" in told.text

    async with bot.services.uow() as uow:
        request = (await uow.session.scalars(select(ChildRequest))).one()
        assert (request.kind, request.status) == ("contact_me", "seen")
        request_id = request.id
    await iro.type(f"/done {request_id} I will ring you after school on Thursday")
    assert "The child has your note" in (await iro.read_until("Done.")).text
    note = await child.read_until("A message from your IRO")
    assert "ring you after school on Thursday" in note.text

    await iro.type("/views C001")
    record = await iro.read_until("WHAT I ASKED FOR")
    receipt = await child.read_until("Your IRO has read")
    assert receipt.text == "Your IRO has read your check-in from 30 November."
    assert "Would like you to get in touch (done" in record.text
    # Themes in words; no sentiment label (measured untrustworthy: benchmarks/sentiment.py).
    assert "(also mentions school or college)" in record.text
    assert "leans" not in record.text and "signal" not in record.text
    await iro.type("/requests")
    assert "No open requests" in (await iro.read_until("requests")).text


async def test_a_request_nobody_sees_in_two_working_days_goes_to_a_manager(
    bot: RunningBot, clock: MutableClock
) -> None:
    manager = await _staff(bot, MANAGER_ID, "manager1")
    await _child_checks_in_asking_for_contact(bot)
    services = bot.services

    async with services.uow() as uow:
        assert await escalate_unseen(uow, clock(), services.settings.zone) == 0
    clock.advance(days=2, hours=1)  # Monday 09:00 + 2 working days is Wednesday 09:00
    async with services.uow() as uow:
        assert await escalate_unseen(uow, clock(), services.settings.zone) == 1
        await uow.commit()
    async with services.uow() as uow:
        assert await escalate_unseen(uow, clock(), services.settings.zone) == 0

    escalation = await manager.read_until("Not seen for 2 working days")
    assert "Case: C001" in escalation.text and "get in touch" in escalation.text


async def test_the_iro_presses_done_on_a_request_without_a_note(bot: RunningBot) -> None:
    iro = await _staff(bot, IRO_ID, "iro1")
    child = await _child_checks_in_asking_for_contact(bot)
    await iro.read_until("A child has asked for something")
    await iro.type("/requests")
    listed = await iro.read(lambda m: bool(m.buttons))
    await iro.press("Done", listed)
    assert "(done)" in (await iro.read_until("Done.")).text
    await child.read_until("Your IRO knows you want to talk")
    async with bot.services.uow() as uow:
        request = (await uow.session.scalars(select(ChildRequest))).one()
        assert request.status == "done" and request.note_cipher is None
