"""A child joins with an invitation and gets ready for their review, end to end."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Answer, Run
from tests.e2e.conftest import CHILD_ID, RunningBot, StartBot, seed_case, stop_bot
from tests.e2e.driver import answer_until_summary, join, labels

MESSAGE_CALLS = ("send_message", "edit_message_text", "edit_message_reply_markup")


async def test_a_child_joins_answers_changes_one_answer_and_sends(bot: RunningBot) -> None:
    child = bot.person(CHILD_ID)
    await child.type(f"/start {await bot.invite('C001', 'child')}")
    assert "Welcome to My Say" in (await child.read()).text

    await child.type("/review")
    first = await child.question()
    assert "where you live" in first.text
    summary = await answer_until_summary(child, first)
    assert "1. How do things feel where you live?\n   → 😢 Really unhappy" in summary.text

    await child.press("Change 1", summary)
    again = await child.question()
    assert "where you live" in again.text
    await child.press("Really happy", again)
    summary = await child.read(lambda m: "Send" in labels(m))
    assert "1. How do things feel where you live?\n   → 😄 Really happy" in summary.text
    await child.press("Send", summary)
    # The summary stays in the chat, marked sent, with the thanks below it.
    thanks = await child.read_until("✓ Send")
    assert thanks.message_id == summary.message_id and not thanks.buttons
    assert thanks.text.startswith("✓ 😄 Really happy\n\nHere is what you said.")
    assert thanks.text.endswith(
        "✓ Send\n\nThank you for telling us what you think. "
        "Your IRO will read this before your meeting."
    )
    await child.type("/myanswers")
    mine = await child.read_until("Who can see it")
    assert "Who can see it: only your IRO" in mine.text
    assert "typed answer 1" in mine.text and "Really happy" in mine.text

    async with bot.services.uow() as uow:
        runs = (await uow.session.scalars(select(Run))).all()
        assert [(r.flow_id, r.status) for r in runs] == [("child_before_review", "submitted")]
        answers = {a.step_id: a for a in (await uow.session.scalars(select(Answer))).all()}
        assert answers["home_more"].choice is None
        assert uow.runs.answer_text(answers["home_more"]) == "typed answer 1"
        assert answers["share_with"].choice == "iro"
        assert runs[0].share_with == "iro"
        happiest = answers["home_feel"].choice
    assert happiest == "very_happy"


async def test_a_question_asked_again_takes_the_buttons_off_its_copy_even_after_a_restart(
    start_bot: StartBot,
) -> None:
    bot = await start_bot()
    await seed_case(bot.services)
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    asked = await child.question()
    assert "where you live" in asked.text
    await stop_bot(bot.application)
    await start_bot()
    await child.type("9")  # no such button: the question is asked again below
    again = await child.read_until("Tap one")
    assert "where you live" in again.text and labels(again) == labels(asked)
    tidied = await child.read(lambda m: m.edited and m.message_id == asked.message_id)
    assert labels(tidied) == []


async def test_a_typed_answer_leaves_its_question_as_it_was(bot: RunningBot) -> None:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    await child.press("OK", await child.question())
    asked = await child.question()
    assert "Type your answer" in asked.text and "⬅ Back" in labels(asked)
    await child.type("my room is nice")
    assert "school" in (await child.question()).text
    # Taking its buttons away would cost a Bot API call per typed answer: pressed now,
    # they answer as from an earlier message.
    await child.press("⬅ Back", asked)
    stale = await child.read_until("That button is from an earlier message")
    assert "school" in stale.text
    now = next(m for m in await child.transcript() if m.message_id == asked.message_id)
    assert labels(now) == labels(asked)


async def test_a_child_with_a_conference_gets_the_three_houses_and_feedback_after(
    start_bot: StartBot,
) -> None:
    bot = await start_bot()
    await seed_case(bot.services, kind="icpc", held=True)
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    # What the flow says first comes with its first question, in one message.
    first = await child.question()
    assert "keeping you safe" in first.text and "three houses" in first.text
    assert "Type your answer" in first.text
    await child.type("/cancel")
    assert "Nothing was shared" in (await child.read_until("Nothing was shared")).text
    await child.type("/feedback")
    first = await child.read_until("You had a meeting about you")
    assert "You had a meeting about you on Sunday 7 June." in first.text  # not "recently"
    summary = await answer_until_summary(child, first)
    await child.press("Send", summary)
    await child.read_until("✓ Send")
    async with bot.services.uow() as uow:
        runs = (await uow.session.scalars(select(Run).order_by(Run.id))).all()
        assert [(r.flow_id, r.status) for r in runs] == [
            ("child_before_conference", "cancelled"),
            ("child_after_review", "submitted"),
        ]


async def test_answering_with_buttons_makes_no_telegram_call_that_changes_nothing(
    bot: RunningBot,
) -> None:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    summary = await answer_until_summary(child, await child.question())
    await child.press("Send", summary)
    await child.read_until("✓ Send")
    calls = bot.emulator.state.calls
    failed = {call: count for call, count in calls.items() if call[1] != 200}
    assert failed == {}, failed
    assert calls[("edit_message_text", 200)] >= 3  # each pressed question became the next


async def test_a_whole_flow_costs_at_most_one_message_call_per_answer(bot: RunningBot) -> None:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    calls = bot.emulator.state.calls
    before = sum(calls[(name, 200)] for name in MESSAGE_CALLS)
    first_update = bot.emulator.state.next_update_id
    await child.type("/review")
    summary = await answer_until_summary(child, await child.question())
    await child.press("Send", summary)
    await child.read_until("✓ Send")
    answers = bot.emulator.state.next_update_id - first_update
    messages = sum(calls[(name, 200)] for name in MESSAGE_CALLS) - before
    # Sends and edits draw on Telegram's budget of about 30 a second for the whole bot;
    # the reminder the bot may send meanwhile is counted too.
    assert answers >= 20
    assert messages <= 1.2 * answers, (messages, answers)
