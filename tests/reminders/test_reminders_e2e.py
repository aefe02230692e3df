"""End to end: reminders and digests reach people through the Bot API emulator."""

from __future__ import annotations

import pytest

from bot.app.reminders import queue_due_reminders
from bot.telegram.handlers.context import KEY
from tests.e2e.conftest import CHILD_ID, IRO_ID, RunningBot
from tests.e2e.driver import join

pytestmark = pytest.mark.e2e


async def test_a_child_gets_their_reminder_once_and_the_iro_a_digest(bot: RunningBot) -> None:
    child, iro = bot.person(CHILD_ID), bot.person(IRO_ID)
    welcome = await join(child, await bot.invite("C001", "child"))
    assert "Welcome to My Say" in (welcome.text or "")
    # Telegram lets a bot write only to people who have started it.
    await iro.type("/start")
    await iro.read()

    # Monday 30 November, 09:00: the review on Monday 7 December is 7 days away, so the
    # 10-day reminder goes out late, and the IRO's digest lists the review.
    assert await queue_due_reminders(bot.services) == 2
    deliver = bot.application.bot_data[KEY].deliver_outbox
    assert deliver is not None
    await deliver()

    reminder = await child.read()
    assert reminder.text == (
        "Hi! Your review is on Monday 7 December. If you'd like your IRO to know what you "
        "think, type /review. You can stop any time."
    )
    digest = await iro.read()
    assert "• Mon 7 Dec: C001, looked-after review, child is on My Say" in (digest.text or "")

    assert await queue_due_reminders(bot.services) == 0
    await deliver()
    assert [m.text for m in await child.transcript()].count(reminder.text) == 1
