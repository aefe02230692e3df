"""Typing where a button was expected works, and nothing is thrown away without asking."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Flag, Run
from tests.e2e.conftest import CHILD_ID, RunningBot
from tests.e2e.driver import Person, join


async def _child_checking_in(bot: RunningBot) -> Person:
    """A child at the check-in's first question (`child.last_with_buttons`)."""
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/checkin")
    assert "How are you feeling today?" in (await child.question()).text
    return child


async def _run_statuses(bot: RunningBot) -> list[tuple[str, str]]:
    async with bot.services.uow() as uow:
        runs = (await uow.session.scalars(select(Run).order_by(Run.id))).all()
        return [(run.flow_id, run.status) for run in runs]


async def test_typed_number_skip_and_label_answer_the_questions(bot: RunningBot) -> None:
    child = await _child_checking_in(bot)
    await child.type("2")  # the second face: unhappy
    assert "anything you want your IRO to know" in (await child.question()).text
    await child.type("skip")
    assert "get in touch" in (await child.question()).text
    await child.type("No")
    summary = await child.read(lambda m: any("Send" in label for label, _ in m.buttons))
    assert "🙁 Unhappy" in summary.text and "→ No" in summary.text


async def test_other_words_offer_the_buttons_again_kindly(bot: RunningBot) -> None:
    child = await _child_checking_in(bot)
    await child.type("banana")
    # The kind refusal and the question asked again come as one message.
    again = await child.read_until("Tap one")
    assert "How are you feeling today?" in again.text and again.buttons
    await child.press("OK", again)
    assert "anything you want your IRO to know" in (await child.question()).text


async def test_cancel_asks_before_throwing_answers_away(bot: RunningBot) -> None:
    child = await _child_checking_in(bot)
    await child.press("OK")
    await child.question()
    await child.type("/cancel")
    asking = await child.read_until("throw away your answers")
    await child.press("No, carry on", asking)
    assert "anything you want your IRO to know" in (await child.question()).text
    assert await _run_statuses(bot) == [("checkin", "waiting")]

    await child.type("/cancel")
    asking = await child.read_until("throw away your answers")
    await child.press("Yes, throw them away", asking)
    await child.read_until("Nothing was shared")
    assert await _run_statuses(bot) == [("checkin", "cancelled")]


async def test_typed_back_stop_and_a_face_work_as_their_buttons_and_raise_no_flag(
    bot: RunningBot,
) -> None:
    child = await _child_checking_in(bot)
    await child.type("😢")  # the face that starts "😢 Really unhappy"
    assert "anything you want your IRO to know" in (await child.question()).text
    await child.type("back")
    assert "How are you feeling today?" in (await child.question()).text
    await child.press("OK")
    await child.question()
    await child.type("stop")
    await child.read_until("Saved. Nothing has been shared")
    async with bot.services.uow() as uow:
        assert (await uow.session.scalars(select(Flag))).all() == []
        run = (await uow.session.scalars(select(Run))).one()
        assert run.status == "waiting" and run.current_step == "message"
