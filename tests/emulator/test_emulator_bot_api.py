"""A real python-telegram-bot `Bot` calls the emulator over HTTP and gets Telegram's answers."""

from __future__ import annotations

import io

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from telegram.error import BadRequest, Forbidden

from bot.emulator import BotApiEmulator
from tests.emulator.emulator_support import FIXED_TIME, USER


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.title(), callback_data=d)] for d in data])


async def test_get_me_describes_the_emulated_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.id == 123456 and me.username == "mysay_test_bot"


async def test_bot_cannot_message_a_user_who_never_started_it(bot: Bot) -> None:
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(USER, "hello")


async def test_sent_message_lands_in_the_transcript_with_its_keyboard(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    await emulator.send_text(USER, "/start")
    sent = await bot.send_message(
        USER, "How was <b>school</b>?", "HTML", reply_markup=keyboard("good")
    )

    assert sent.message_id == 2  # the user's /start was message 1 in this chat
    assert sent.date.timestamp() == FIXED_TIME
    [message] = await emulator.sent_messages(USER)
    assert message.text == "How was school?"
    assert message.raw_text == "How was <b>school</b>?"
    assert message.buttons == [("Good", "good")]


@pytest.mark.parametrize(
    ("text", "parse_mode", "error"),
    [
        ("x" * 4097, None, "too long"),
        ("", None, "text is empty"),
        ("I <3 my foster cat", "HTML", "can't parse entities"),
        ("<b>unclosed", "HTML", "can't parse entities"),
    ],
)
async def test_messages_telegram_would_reject_are_rejected(
    bot: Bot, emulator: BotApiEmulator, text: str, parse_mode: str | None, error: str
) -> None:
    await emulator.send_text(USER, "hi")
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await bot.send_message(USER, text, parse_mode=parse_mode)
    assert await emulator.sent_messages(USER) == []


async def test_a_message_of_exactly_4096_characters_is_accepted(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    await emulator.send_text(USER, "hi")
    await bot.send_message(USER, "x" * 4096)


async def test_callback_data_over_64_bytes_is_rejected(bot: Bot, emulator: BotApiEmulator) -> None:
    await emulator.send_text(USER, "hi")
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(USER, "pick", reply_markup=keyboard("x" * 65))


async def test_editing_changes_the_stored_message_and_unchanged_edits_fail(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    await emulator.send_text(USER, "hi")
    sent = await bot.send_message(USER, "Question", reply_markup=keyboard("a", "b"))

    await bot.edit_message_text("Question", USER, sent.message_id, reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("Question", USER, sent.message_id, reply_markup=keyboard("a"))
    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=None)
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=None)

    last = await emulator.last_message(USER)
    assert last is not None
    assert last.edited and last.text == "Question" and last.reply_markup is None


async def test_editing_an_unknown_message_fails_like_telegram(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    await emulator.send_text(USER, "hi")
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("new", USER, 999)
    with pytest.raises(BadRequest, match=r"(?i)can't be edited"):
        await bot.edit_message_text("new", USER, 1)  # the user's own message


async def test_callback_queries_can_be_answered_once(bot: Bot, emulator: BotApiEmulator) -> None:
    await emulator.send_text(USER, "hi")
    sent = await bot.send_message(USER, "Pick", reply_markup=keyboard("yes"))
    await emulator.press_button(USER, sent.message_id, "yes")
    *_, update = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert query is not None and query.data == "yes"
    assert query.message is not None and query.message.message_id == sent.message_id

    await query.answer("Saved")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer("Again")

    [answer] = await emulator.callback_answers()
    assert answer.answered and answer.text == "Saved"


async def test_commands_are_stored_per_scope_and_language(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    children = [BotCommand("start", "Begin"), BotCommand("helpnow", "Get help now")]
    iro = [BotCommand("upcoming", "Your next reviews")]
    await bot.set_my_commands(children, scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(iro, scope=BotCommandScopeChat(USER))
    await bot.set_my_commands([BotCommand("start", "Dechrau")], language_code="cy")

    chat_scope = {"type": "chat", "chat_id": USER}
    assert [c.command for c in await bot.get_my_commands(BotCommandScopeChat(USER))] == [
        "upcoming"
    ]
    assert await emulator.commands(chat_scope) == [
        {"command": "upcoming", "description": "Your next reviews"}
    ]
    assert len(await emulator.commands({"type": "all_private_chats"})) == 2
    assert await emulator.commands(None, "cy") == [{"command": "start", "description": "Dechrau"}]
    assert await emulator.commands() == []

    await bot.delete_my_commands(BotCommandScopeChat(USER))
    assert await emulator.commands(chat_scope) == []


async def test_documents_keep_their_name_bytes_and_caption(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    await emulator.send_text(USER, "/myanswers")
    sent = await bot.send_document(
        USER, io.BytesIO(b"step,answer\n1,ok\n"), filename="answers.csv", caption="Your answers"
    )
    assert sent.document is not None and sent.document.file_name == "answers.csv"

    message = await emulator.wait_for_message(USER)
    assert message.caption == "Your answers"
    [document] = message.documents
    assert (document.file_name, document.content) == ("answers.csv", b"step,answer\n1,ok\n")


async def test_deleted_messages_are_marked_and_cannot_be_deleted_twice(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    await emulator.send_text(USER, "hi")
    sent = await bot.send_message(USER, "temporary")
    assert await bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)not found"):
        await bot.delete_message(USER, sent.message_id)
    [message] = await emulator.sent_messages(USER)
    assert message.deleted


async def test_chat_actions_need_a_started_chat_and_a_known_action(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    with pytest.raises(Forbidden):
        await bot.send_chat_action(USER, "typing")
    await emulator.send_text(USER, "hi")
    assert await bot.send_chat_action(USER, "typing")


async def test_blocked_users_give_403(bot: Bot, emulator: BotApiEmulator) -> None:
    await emulator.send_text(USER, "hi")
    await emulator.set_blocked(USER)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(USER, "hello?")


async def test_files_users_send_can_be_downloaded(bot: Bot, emulator: BotApiEmulator) -> None:
    await emulator.send_document(USER, "drawing.txt", b"a house with a garden")
    [update] = await bot.get_updates(timeout=1)
    assert update.message is not None and update.message.document is not None
    file = await update.message.document.get_file()
    assert await file.download_as_bytearray() == b"a house with a garden"


async def test_raw_http_checks_token_method_and_accepts_json_and_query(
    emulator: BotApiEmulator,
) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{emulator.base_url}wrong:token/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False, "error_code": 401, "description": "Unauthorized"
            }  # fmt: skip
        async with http.post(f"{emulator.base_url}{emulator.token}/noSuchMethod") as response:
            assert response.status == 404
            assert (await response.json())["description"] == "Not Found: method not found"
        await emulator.send_text(USER, "hi")
        body = {"chat_id": USER, "text": "json", "reply_markup": {"inline_keyboard": []}}
        async with http.post(f"{emulator.base_url}{emulator.token}/sendMessage", json=body) as r:
            assert (await r.json())["result"]["text"] == "json"
        async with http.get(f"{emulator.base_url}{emulator.token}/getme") as response:
            assert (await response.json())["result"]["is_bot"] is True
