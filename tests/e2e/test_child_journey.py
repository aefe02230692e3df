"""A child joins with an invitation and gets ready for their review, end to end."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Answer, Run
from tests.e2e.conftest import CHILD_ID, RunningBot, StartBot, seed_case, stop_bot
from tests.e2e.driver import answer_until_summary, join, labels


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
    summary = await child.read(lambda m: not m.edited and "Send" in labels(m))
    assert "1. How do things feel where you live?\n   → 😄 Really happy" in summary.text
    await child.press("Send", summary)
    thanks = await child.read(lambda m: not m.edited)
    assert thanks.text.startswith("Thank you")
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


async def test_a_typed_answer_takes_the_buttons_off_its_question_even_after_a_restart(
    start_bot: StartBot,
) -> None:
    bot = await start_bot()
    await seed_case(bot.services)
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    await child.press("OK", await child.question())
    asked = await child.question()
    assert "Type your answer" in asked.text and "⬅ Back" in labels(asked)
    await stop_bot(bot.application)
    await start_bot()
    await child.type("my room is nice")
    assert "school" in (await child.question()).text
    tidied = await child.read(lambda m: m.edited and m.message_id == asked.message_id)
    assert labels(tidied) == []


async def test_a_child_with_a_conference_gets_the_three_houses_and_feedback_after(
    start_bot: StartBot,
) -> None:
    bot = await start_bot()
    await seed_case(bot.services, kind="icpc", held=True)
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    assert "keeping you safe" in (await child.read()).text
    assert "three houses" in (await child.read()).text
    assert "Type your answer" in (await child.question()).text
    await child.type("/cancel")
    assert "Nothing was shared" in (await child.read_until("Nothing was shared")).text
    await child.type("/feedback")
    welcome = await child.read_until("You had a meeting about you")
    assert "You had a meeting about you on Sunday 7 June." in welcome.text  # not "recently"
    first = await child.question()
    summary = await answer_until_summary(child, first)
    await child.press("Send", summary)
    await child.read(lambda m: not m.edited and m.text.startswith("Thank you"))
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
    assert (await child.read(lambda m: not m.edited)).text.startswith("Thank you")
    calls = bot.emulator.state.calls
    failed = {call: count for call, count in calls.items() if call[1] != 200}
    assert failed == {}, failed
    assert calls[("edit_message_text", 200)] >= 3  # each pressed question marked answered
