"""An IRO in Telegram: upcoming reviews, the child's views with a read receipt, an outcome."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.app import admin
from storage.models import AuditEvent, Review
from tests.e2e.conftest import CHILD_ID, IRO_ID, OTHER_IRO_ID, PARENT_ID, RunningBot
from tests.e2e.driver import Person, answer_until_summary, join, labels
from tests.support import MutableClock


async def _child_sends_views(bot: RunningBot) -> Person:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    summary = await answer_until_summary(child, await child.question())
    await child.press("Send", summary)
    await child.read_until("✓ Send")  # the summary, marked sent, with the thanks
    return child


async def _linked_iro(bot: RunningBot, user_id: int = IRO_ID, username: str = "iro1") -> Person:
    iro = bot.person(user_id)
    # The child's sent views may have asked for something: that alert can come first.
    await iro.type(f"/start {await bot.invite_staff(username)}")
    await iro.read_until("staff account")
    return iro


async def test_an_iro_sees_upcoming_reads_views_and_records_the_outcome(
    bot: RunningBot, clock: MutableClock
) -> None:
    child = await _child_sends_views(bot)
    iro = await _linked_iro(bot)

    await iro.type("/upcoming")
    upcoming = await iro.read_until("Your reviews in the next 14 days")
    assert "C001 (review)" in upcoming.text
    assert "Child: sent their views" in upcoming.text
    assert "Parents/carers: not invited" in upcoming.text
    assert "C002" not in upcoming.text  # allocated to another IRO

    await iro.type("/views C001")
    # The child's request alert (it names C001 too) may arrive at any moment: the outbox
    # is drained beside the IRO's own updates, so read the views by the child's words.
    views = await iro.read_until("typed answer 1")
    assert "C001" in views.text
    document = await iro.read(lambda m: bool(m.documents))
    assert document.documents[0].file_name.startswith("my-say-C001")
    assert b"typed answer 1" in document.documents[0].content
    receipt = await child.read_until("read what you sent")
    assert receipt.text == "Your IRO has read what you sent for your meeting on Monday 7 December."

    await iro.type("/invite C001 parent")
    invitation = await iro.read_until("Invitation for the parent")
    code = invitation.text.split("start=")[1].split()[0]
    assert "Welcome" in (await join(bot.person(PARENT_ID), code)).text

    clock.advance(days=8)  # the meeting on 7 December has been held
    await iro.type("/outcome C001")
    assert "When was the meeting held" in (await iro.question()).text
    await iro.type("07/12/2026")
    await iro.press("Yes", await iro.question())
    await iro.press("PN1", await iro.question())
    await iro.press("Yes", await iro.question())
    await iro.question()
    await iro.type("You will stay with your foster family and see your brother every week.")
    summary = await iro.read(lambda m: not m.edited and any("Send" in t for t, _ in m.buttons))
    await iro.press("Send", summary)
    assert "Outcome recorded" in (await iro.read_until("Outcome recorded")).text

    note = await child.read_until("What happened at your meeting")
    # The note names its meeting: a child may have sent views for the next one already.
    assert note.text.startswith("What happened at your meeting on Monday 7 December")
    assert "see your brother every week" in note.text
    await iro.type("/views C001")
    record = await iro.read_until("Note to the child")
    assert "PN1" in record.text and "Note to the child: You will stay" in record.text
    async with bot.services.uow() as uow:
        review = (
            await uow.session.scalars(select(Review).where(Review.kind == "cla_review"))
        ).first()
        assert review is not None
        assert (review.participation, review.seen_before, review.in_timescale) == (
            "PN1",
            True,
            True,
        )
        assert review.held_on is not None and review.held_on.isoformat() == "2026-12-07"
        actions = [e.action for e in (await uow.session.scalars(select(AuditEvent))).all()]
        assert "report_record_generated" in actions and "outcome_recorded" in actions


async def test_a_child_asking_for_views_is_refused(bot: RunningBot) -> None:
    child = await _child_sends_views(bot)
    for command in ("/views C001", "/upcoming", "/outcome C001", "/invite C001 child", "/flags"):
        await child.type(command)
        assert "only for IROs and managers" in (await child.read()).text, command
    await child.type("/close 1 nothing")
    assert "only for IROs and managers" in (await child.read()).text


async def test_an_iro_cannot_see_a_child_not_allocated_to_them(bot: RunningBot) -> None:
    await _child_sends_views(bot)
    other = await _linked_iro(bot, OTHER_IRO_ID, "iro2")
    for command in ("/views C001", "/outcome C001", "/invite C001 parent", "/views NOPE"):
        await other.type(command)
        reply = await other.read()
        assert "can't see that, or it doesn't exist" in reply.text
        assert "typed answer" not in reply.text
    assert not any(m.documents for m in await other.transcript())
    async with bot.services.uow() as uow:
        reads = await uow.audit.list("report_record_generated")
        assert reads == []


async def test_outcome_names_the_meeting_and_refuses_unlikely_dates(
    bot: RunningBot, clock: MutableClock
) -> None:
    iro = await _linked_iro(bot)
    clock.advance(days=8)  # Tuesday 8 December: the review on the 7th is the latest
    await iro.type("/outcome C001")
    named = await iro.read_until("The outcome of the meeting due")
    assert "due on Monday 7 December (review)" in named.text
    assert "When was the meeting held" in named.text  # the first question, in one message
    await iro.type("24/12/2026")
    assert "still to come" in (await iro.read_until("still to come")).text
    await iro.type("01/10/2026")
    warned = await iro.read_until("more than 30 days before")
    assert "(07/12/2026)" in warned.text and "type it again" in warned.text
    await iro.type("01/10/2026")  # typed again: confirmed
    await iro.press("Yes", await iro.question())
    participation = await iro.question()
    assert "PN1" in labels(participation)[0] and not any("PN0" in x for x in labels(participation))


async def test_outcome_offers_pn0_for_a_baby_and_other_recent_meetings(
    bot: RunningBot, clock: MutableClock
) -> None:
    now = bot.services.clock()
    async with bot.services.uow() as uow:
        await admin.add_child(uow, "B001", now, birth_date=date(2024, 1, 1), iro_username="iro1")
        await uow.flush()
        await admin.add_review(uow, "B001", "icpc", date(2026, 10, 1), date(2026, 10, 1), now)
        await admin.add_review(uow, "B001", "rcpc", date(2026, 11, 20), None, now)
        await uow.commit()
    iro = await _linked_iro(bot)
    await iro.type("/outcome B001 01/10/2026")
    # The warning, the other meetings and the first question come as one message.
    first = await iro.read_until("An outcome is already recorded")
    assert "Other recent meetings" in first.text
    assert "/outcome B001 20/11/2026 (review conference)" in first.text
    assert "due on Thursday 1 October (initial conference)" in first.text
    assert "When was the meeting held" in first.text
    await iro.type("01/10/2026")
    await iro.press("Yes", await iro.question())
    assert "PN0" in labels(await iro.question())[0]
    await iro.type("/outcome B001 02/02/2026")
    assert "no meeting due that day" in (await iro.read_until("no meeting due")).text
