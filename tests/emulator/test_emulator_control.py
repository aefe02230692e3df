"""The control API reads the same in-process and over HTTP (`EmulatorClient`), and the
standalone `python -m bot.emulator` serves both."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot, BotCommand, BotCommandScopeChat, InlineKeyboardButton
from telegram import InlineKeyboardMarkup as Keyboard
from telegram.error import Forbidden, RetryAfter

from bot.emulator import BotApiEmulator, EmulatorClient, EmulatorControl
from tests.emulator.emulator_support import USER


async def test_texts_and_replies_round_trip(bot: Bot, control: EmulatorControl) -> None:
    update_id = await control.send_text(USER, "/start CODE_1")
    [update] = await bot.get_updates(timeout=1)
    assert update.update_id == update_id
    assert update.message is not None and update.message.text == "/start CODE_1"
    await bot.send_message(
        USER, "Welcome", reply_markup=Keyboard([[InlineKeyboardButton("A", callback_data="a")]])
    )

    reply = await control.wait_for_message(USER, lambda m: m.text == "Welcome", timeout=1)
    assert reply.buttons == [("A", "a")]
    assert [m.text for m in await control.sent_messages(USER)] == ["Welcome"]
    last = await control.last_message(USER)
    assert last is not None and last.message_id == reply.message_id


async def test_button_presses_edits_and_answers(bot: Bot, control: EmulatorControl) -> None:
    await control.send_text(USER, "hi")
    sent = await bot.send_message(USER, "Pick")
    await control.press_button(
        USER, sent.message_id, "x" * 80
    )  # forged: longer than Telegram allows
    await control.edit_user_message(USER, 1, "hello")
    *_, query_update, edit_update = await bot.get_updates(timeout=1)
    assert query_update.callback_query is not None
    assert query_update.callback_query.data == "x" * 80
    assert edit_update.edited_message is not None and edit_update.edited_message.text == "hello"

    await query_update.callback_query.answer("ok", show_alert=True)
    [answer] = await control.callback_answers()
    assert (answer.answered, answer.text, answer.show_alert) == (True, "ok", True)


async def test_media_updates_have_their_types(bot: Bot, control: EmulatorControl) -> None:
    await control.send_sticker(USER)
    await control.send_photo(USER, caption="me")
    await control.send_voice(USER, duration=7)
    await control.send_document(USER, "a.bin", b"\x00\xff")
    await control.send_location(USER, 1.5, 2.5)
    sticker, photo, voice, document, location = [u.message for u in await bot.get_updates()]
    assert sticker is not None and sticker.sticker is not None
    assert photo is not None and len(photo.photo) == 2 and photo.caption == "me"
    assert voice is not None and voice.voice is not None and voice.voice.duration == 7
    assert document is not None and document.document is not None
    assert await (await document.document.get_file()).download_as_bytearray() == b"\x00\xff"
    assert location is not None and location.location is not None
    assert location.location.latitude == 1.5


async def test_commands_blocking_and_faults(bot: Bot, control: EmulatorControl) -> None:
    await bot.set_my_commands([BotCommand("flags", "Open flags")], scope=BotCommandScopeChat(USER))
    assert await control.commands({"type": "chat", "chat_id": USER}) == [
        {"command": "flags", "description": "Open flags"}
    ]

    await control.send_text(USER, "hi")
    await control.set_blocked(USER)
    with pytest.raises(Forbidden):
        await bot.send_message(USER, "x")
    await control.set_blocked(USER, False)

    await control.fail_next("sendMessage", retry_after=2)
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "x")
    await control.delay("sendMessage", 0.05)
    await control.drop_next("getMe")
    await control.clear_faults()
    await bot.send_message(USER, "fine")
    assert (await bot.get_me()).is_bot


async def test_sent_documents_survive_the_http_round_trip(
    bot: Bot, control: EmulatorControl
) -> None:
    await control.send_text(USER, "hi")
    await bot.send_document(USER, b"\x89PNG\x00", filename="chart.png")
    message = await control.wait_for_message(USER, timeout=1)
    assert message.documents[0].content == b"\x89PNG\x00"


@pytest.fixture
async def standalone() -> AsyncIterator[str]:
    """Run `python -m bot.emulator --port 0` and give its ready line."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.emulator", "--port", "0", "--token", "999:ABC",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 10)
    yield line.decode()
    process.terminate()
    assert await asyncio.wait_for(process.wait(), 5) == 0


async def test_the_standalone_emulator_prints_its_url_and_serves_both_apis(
    standalone: str,
) -> None:
    match = re.search(r"base_url=(\S+) base_file_url=(\S+) control_url=(\S+)", standalone)
    assert match, standalone
    base_url, base_file_url, control_url = match.groups()
    async with (
        Bot("999:ABC", base_url=base_url, base_file_url=base_file_url) as bot,
        EmulatorClient(control_url) as client,
    ):
        assert (await bot.get_me()).id == 999
        await client.send_text(USER, "hi")
        await bot.send_message(USER, "hello from a subprocess")
        reply = await client.wait_for_message(USER, timeout=1)
        assert reply.text == "hello from a subprocess"


async def test_waiting_for_a_message_that_never_comes_times_out(control: EmulatorControl) -> None:
    with pytest.raises(TimeoutError, match="no matching message"):
        await control.wait_for_message(USER, timeout=0.1)


async def test_malformed_control_requests_get_400(emulator: BotApiEmulator) -> None:
    async with aiohttp.ClientSession() as http:
        url = f"{emulator.control_url}/users/{USER}/messages"
        async with http.post(url, json={"txet": "typo"}) as response:
            assert response.status == 400
