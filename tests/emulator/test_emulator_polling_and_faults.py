"""Long polling waits for updates, and injected faults reach PTB as the errors it expects."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.emulator import BotApiEmulator
from tests.emulator.emulator_support import USER


async def test_get_updates_waits_until_an_update_arrives(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)  # long enough to prove the poll is parked, not returned empty
    assert not poll.done()

    update_id = await emulator.send_text(USER, "hello")
    [update] = await asyncio.wait_for(poll, 2)
    assert update.update_id == update_id
    assert time.monotonic() - started < 2


async def test_get_updates_returns_empty_when_the_timeout_passes(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 3


async def test_offset_confirms_updates_and_limit_caps_the_batch(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    ids = [await emulator.send_text(USER, f"m{n}") for n in range(3)]
    assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert await bot.get_updates(offset=ids[2] + 1) == ()


async def test_429_becomes_retry_after_and_the_next_call_succeeds(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    await emulator.fail_next("getMe", status=429, retry_after=3)
    with pytest.raises(RetryAfter, match="Retry in 3"):
        await bot.get_me()
    assert (await bot.get_me()).is_bot


@pytest.mark.parametrize("status", [500, 502])
async def test_server_errors_become_network_errors(
    bot: Bot, emulator: BotApiEmulator, status: int
) -> None:
    await emulator.fail_next("getMe", status=status)
    with pytest.raises(NetworkError):
        await bot.get_me()
    assert (await bot.get_me()).is_bot


async def test_a_dropped_connection_becomes_a_network_error(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    await emulator.send_text(USER, "hi")
    await emulator.drop_next("sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "lost")
    await bot.send_message(USER, "delivered")
    assert [m.text for m in await emulator.sent_messages(USER)] == ["delivered"]


async def test_faults_count_down_and_star_matches_any_method(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    await emulator.fail_next("*", count=2, status=500)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.get_me()
    assert (await bot.get_me()).is_bot


async def test_a_slow_response_is_slow_and_can_time_out(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    await emulator.delay("getMe", 0.3)
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.3

    await emulator.delay("getMe", 0.5)
    with pytest.raises(TimedOut):
        await bot.get_me(read_timeout=0.1)
    await emulator.clear_faults()
