"""Coming back: another flow while one is paused, and /review after the views were sent."""

from __future__ import annotations

from tests.e2e.conftest import CHILD_ID, RunningBot
from tests.e2e.driver import answer_until_summary, join


async def test_starting_a_check_in_says_the_paused_review_is_kept(bot: RunningBot) -> None:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    await child.press("OK", await child.question())
    await child.question()
    await child.type("/checkin")
    # The notice comes with the check-in's first question, in one message.
    checkin = await child.read_until("saved for later")
    assert "Your other answers are saved for later" in checkin.text
    assert "How are you feeling today?" in checkin.text and checkin.buttons


async def test_review_after_sending_says_so_and_adds_to_the_views(bot: RunningBot) -> None:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    summary = await answer_until_summary(child, await child.question())
    await child.press("Send", summary)
    await child.read_until("✓ Send")
    await child.type("/review")
    notice = await child.read_until("already sent your views")
    assert "Anything you send now is added to them" in notice.text
    assert "How do things feel where you live?" in notice.text and notice.buttons
