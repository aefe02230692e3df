"""Bad input gets a short, friendly answer, and nothing stored is lost or corrupted."""

from __future__ import annotations

from sqlalchemy import select

from bot.emulator import SentMessage
from bot.telegram.callbacks import run_button
from conversations.events import Choose
from storage.models import Answer, Flag, Run
from tests.e2e.conftest import CHILD_ID, PARENT_ID, RunningBot
from tests.e2e.driver import Person, join


async def _child_at_first_text_question(bot: RunningBot) -> tuple[Person, SentMessage]:
    """A joined child who has answered the first question and is asked to type."""
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    first = await child.question()
    await child.press("OK", first)
    typed = await child.question()
    assert "Type your answer" in typed.text
    return child, first


async def _stored(bot: RunningBot) -> tuple[list[tuple[str, str | None]], str | None]:
    async with bot.services.uow() as uow:
        answers = (await uow.session.scalars(select(Answer).order_by(Answer.id))).all()
        run = (await uow.session.scalars(select(Run))).one()
        return [(a.step_id, a.choice) for a in answers], run.current_step


async def test_media_edits_and_unknown_commands_get_a_friendly_answer(bot: RunningBot) -> None:
    child, _ = await _child_at_first_text_question(bot)
    before = await _stored(bot)
    for send in (
        bot.emulator.send_sticker,
        bot.emulator.send_photo,
        bot.emulator.send_voice,
        bot.emulator.send_document,
        bot.emulator.send_location,
    ):
        await send(CHILD_ID)
        assert "only read typed words and button presses" in (await child.read()).text
        assert "where you live" in (await child.question()).text
    await child.type("/dance")
    assert "don't know that command" in (await child.read()).text
    await child.type("/views C001")
    assert "only for IROs and managers" in (await child.read()).text
    assert await _stored(bot) == before


async def test_words_after_an_unknown_command_are_screened_not_dropped(bot: RunningBot) -> None:
    child, _ = await _child_at_first_text_question(bot)
    before = await _stored(bot)
    await child.type("/help2 my step dad hits me every night")
    await child.read_until("don't know that command")
    await child.type("/views my step dad hits me every night")  # a staff command
    await child.read_until("only for IROs and managers")
    async with bot.services.uow() as uow:
        flags = (await uow.session.scalars(select(Flag))).all()
        assert [flag.level for flag in flags] == ["urgent", "urgent"]
        assert all("physical_abuse" in flag.categories for flag in flags)
    assert await _stored(bot) == before  # never an answer


async def test_an_edited_message_does_not_change_the_stored_answer(bot: RunningBot) -> None:
    child, _ = await _child_at_first_text_question(bot)
    await child.type("my room is nice")
    await child.question()
    user_message_id = max(bot.emulator.state.chat(CHILD_ID).user_messages)
    await bot.emulator.edit_user_message(CHILD_ID, user_message_id, "changed my mind")
    # The answered question's buttons go after the next question is sent, so skip that edit.
    assert "edited a message" in (await child.read(lambda m: not m.edited)).text
    async with bot.services.uow() as uow:
        answer = (
            await uow.session.scalars(select(Answer).where(Answer.step_id == "home_more"))
        ).one()
        assert uow.runs.answer_text(answer) == "my room is nice"


async def test_a_3000_character_answer_is_kept_whole(bot: RunningBot) -> None:
    child, first_question = await _child_at_first_text_question(bot)
    long_answer = " ".join(["my room is nice and my carers are kind"] * 80)[:3000]
    await child.type(long_answer)
    assert (await child.question()).message_id != first_question.message_id
    async with bot.services.uow() as uow:
        answer = (
            await uow.session.scalars(select(Answer).where(Answer.step_id == "home_more"))
        ).one()
        assert uow.runs.answer_text(answer) == long_answer


async def test_stale_and_forged_buttons_change_nothing(bot: RunningBot) -> None:
    child, first_question = await _child_at_first_text_question(bot)
    before = await _stored(bot)
    # The first question's own button, pressed again once the child has moved on.
    await bot.emulator.press_button(
        CHILD_ID, first_question.message_id, first_question.buttons[0][1] or ""
    )
    assert "earlier message" in (await child.read(lambda m: not m.edited)).text
    for forged in ("r1|1|home_feel|c|very_happy", "r9|x", "f1|1|open", "nonsense", "r1|99|x|c|"):
        await bot.emulator.press_button(CHILD_ID, first_question.message_id, forged)
        await child.read(lambda m: not m.edited)
    assert await _stored(bot) == before


async def test_a_participant_cannot_answer_in_another_participants_run(bot: RunningBot) -> None:
    await _child_at_first_text_question(bot)
    before = await _stored(bot)
    parent = bot.person(PARENT_ID)
    await join(parent, await bot.invite("C001", "parent"))
    async with bot.services.uow() as uow:
        run_id = (await uow.session.scalars(select(Run.id))).one()
    # The parent forges a button for the child's run and types into "their" conversation.
    await bot.emulator.press_button(PARENT_ID, 1, run_button(run_id, "home_more", Choose("ok")))
    reply = await parent.read(lambda m: not m.edited)
    assert "where you live" not in reply.text
    await parent.type("/myanswers")
    assert "haven't sent anything" in (await parent.read(lambda m: "sent" in m.text)).text
    assert await _stored(bot) == before


async def test_help_now_works_in_and_out_of_a_flow(bot: RunningBot) -> None:
    stranger = bot.person(4242)
    await stranger.type("/helpnow")
    assert "0800 1111" in (await stranger.read()).text
    child, _ = await _child_at_first_text_question(bot)
    before = await _stored(bot)
    await child.type("/helpnow")
    reply = await child.read()
    assert "0800 1111" in reply.text and "999" in reply.text
    await child.type("/review")
    assert "where you live" in (await child.question()).text
    assert await _stored(bot) == before
