"""Chats are answered at once, each in its own order; one chat's 429 never holds up another."""

from __future__ import annotations

from bot.app import texts
from bot.telegram.commands import COMMANDS
from tests.e2e.conftest import RunningBot

CHILD_A, CHILD_B = 3001, 3002
# Under PTB's 5 s read timeout, so the slow reply is not sent twice.
SLOW_SECONDS = 3.0
RETRY_AFTER = 5
HELP_NOW = texts.message("safety.help_now")


async def test_a_slow_chat_keeps_its_order_and_holds_up_nobody_else(bot: RunningBot) -> None:
    a, b = bot.person(CHILD_A), bot.person(CHILD_B)
    # A's first reply is slow to reach Telegram. /helpnow answers without the database, so
    # /help (which reads it) could only overtake it if A's updates ran side by side.
    await bot.emulator.delay("sendMessage", SLOW_SECONDS, chat_id=CHILD_A)
    await a.type("/helpnow")
    await a.type("/help")
    await b.type("/helpnow")
    assert (await b.read()).text == HELP_NOW
    assert await a.transcript() == [], "chat B waited for chat A's slow reply"
    assert (await a.read()).text == HELP_NOW
    assert (await a.read()).text == COMMANDS.help(None)


async def test_a_429_for_one_chat_does_not_stall_the_others(bot: RunningBot) -> None:
    a, b = bot.person(CHILD_A), bot.person(CHILD_B)
    await bot.emulator.fail_next(
        "sendMessage", status=429, retry_after=RETRY_AFTER, chat_id=CHILD_A
    )
    await a.type("/help")
    await b.type("/helpnow")
    assert (await b.read()).text == HELP_NOW
    assert await a.transcript() == [], "chat B waited out chat A's 429"
    assert (await a.read()).text == COMMANDS.help(None)  # A's reply still arrives, later
