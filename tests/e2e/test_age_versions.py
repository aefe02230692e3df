"""A 6-year-old gets the short version of the review flow, in Telegram."""

from __future__ import annotations

from datetime import date

from bot.app import admin
from tests.e2e.conftest import CHILD_ID, RunningBot
from tests.e2e.driver import answer_until_summary, join, labels

YOUNG_CHILD_ID = 1010


async def test_an_under_8_gets_at_most_eight_short_questions(bot: RunningBot) -> None:
    now = bot.services.clock()
    async with bot.services.uow() as uow:
        await admin.add_child(uow, "Y001", now, birth_date=date(2020, 3, 1), iro_username="iro1")
        await uow.flush()
        await admin.add_review(uow, "Y001", "cla_review", date(2026, 12, 9), None, now)
        await uow.commit()
    child = bot.person(YOUNG_CHILD_ID)
    await join(child, await bot.invite("Y001", "child"))
    await child.type("/review")
    # The welcome and the first question come as one message.
    first = await child.question()
    assert "There is a meeting about you on Wednesday 9 December" in first.text
    assert "How do you feel at home?" in first.text and "😢 Really unhappy" in labels(first)
    summary = await answer_until_summary(child, first)
    changes = [label for label in labels(summary) if label.startswith("Change")]
    assert 1 <= len(changes) <= 8
    assert "Is something making you sad or scared?" in summary.text
    assert "Do you want to talk to your IRO first?" in summary.text


async def test_the_flow_names_the_iro_and_the_day_and_answers_a_sad_face_kindly(
    bot: RunningBot,
) -> None:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    welcome = await child.question()
    assert "Your review is on Monday 7 December." in welcome.text
    assert "Independent Reviewing Officer" in welcome.text
    await child.press("Really unhappy", welcome)
    # The kind reply and the next question replace the pressed question.
    kind = await child.question()
    assert kind.message_id == welcome.message_id
    assert kind.text.startswith("✓ 😢 Really unhappy\n\nThank you for telling me.")
    assert "I'm sorry things feel hard at home." in kind.text
    summary = await answer_until_summary(child, kind)
    assert "Would you like to talk to your IRO, Sam, before the meeting?" in summary.text
