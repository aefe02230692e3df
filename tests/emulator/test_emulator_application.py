"""A polling python-telegram-bot `Application` runs against the emulator end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.emulator import BotApiEmulator, SentMessage
from tests.emulator.emulator_support import USER


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets the user, echoing any deep-link code, and asks a question."""
    assert update.effective_message is not None
    code = context.args[0] if context.args else "none"
    buttons = [[InlineKeyboardButton("Good", callback_data="mood:good")]]
    await update.effective_message.reply_text(
        f"Welcome (code {code}). How are you?", reply_markup=InlineKeyboardMarkup(buttons)
    )


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers the press and replaces the question with the choice (or says it expired)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    if query.message is not None and query.message.is_accessible:
        await query.edit_message_text(f"You chose {query.data}")
    else:
        await context.bot.send_message(query.from_user.id, "That button has expired.")


async def describe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Says what kind of message arrived (never repeats the text itself)."""
    message = update.effective_message
    assert message is not None
    kind = next(
        k
        for k in ("sticker", "photo", "voice", "document", "location", "text")
        if getattr(message, k)
    )
    prefix = "edited " if update.edited_message else ""
    await message.reply_text(f"got {prefix}{kind}")


@pytest.fixture
async def application(emulator: BotApiEmulator) -> AsyncIterator[Application]:
    app = (
        ApplicationBuilder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(MessageHandler(~filters.COMMAND, describe))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        yield app
        await app.updater.stop()
        await app.stop()


@pytest.mark.usefixtures("application")
async def test_start_with_a_deep_link_replies_with_a_keyboard(emulator: BotApiEmulator) -> None:
    await emulator.send_text(USER, "/start INV-123")
    reply = await emulator.wait_for_message(USER)
    assert reply.text == "Welcome (code INV-123). How are you?"
    assert reply.buttons == [("Good", "mood:good")]


@pytest.mark.usefixtures("application")
async def test_pressing_a_button_answers_it_and_edits_the_question(
    emulator: BotApiEmulator,
) -> None:
    await emulator.send_text(USER, "/start")
    question = await emulator.wait_for_message(USER)
    await emulator.press_button(USER, question.message_id, "mood:good")

    edited = await emulator.wait_for_message(USER, lambda m: m.edited)
    assert edited.message_id == question.message_id
    assert edited.text == "You chose mood:good" and edited.reply_markup is None
    [answer] = await emulator.callback_answers()
    assert answer.answered


@pytest.mark.usefixtures("application")
async def test_stale_button_on_an_unknown_message_still_reaches_the_bot(
    emulator: BotApiEmulator,
) -> None:
    await emulator.send_text(USER, "/start")
    await emulator.wait_for_message(USER)
    await emulator.press_button(USER, 999, "forged:data")

    reply = await emulator.wait_for_message(USER)
    assert reply.text == "That button has expired."
    [answer] = await emulator.callback_answers()
    assert answer.answered and answer.data == "forged:data"


@pytest.mark.usefixtures("application")
async def test_every_kind_of_user_message_reaches_the_right_handler(
    emulator: BotApiEmulator,
) -> None:
    await emulator.send_sticker(USER)
    await emulator.send_photo(USER, caption="my room")
    await emulator.send_voice(USER)
    await emulator.send_document(USER)
    await emulator.send_location(USER)
    await emulator.send_text(USER, "I feel fine")

    replies = [(await emulator.wait_for_message(USER)).text for _ in range(6)]
    assert replies == [
        "got sticker", "got photo", "got voice", "got document", "got location", "got text"
    ]  # fmt: skip


@pytest.mark.usefixtures("application")
async def test_edited_user_messages_arrive_as_edited_message_updates(
    emulator: BotApiEmulator,
) -> None:
    await emulator.send_text(USER, "first try")
    await emulator.wait_for_message(USER)
    await emulator.edit_user_message(USER, 1, "second try")
    reply = await emulator.wait_for_message(USER, lambda m: "edited" in (m.text or ""))
    assert reply.text == "got edited text"


async def test_wait_for_message_times_out_with_a_helpful_error(emulator: BotApiEmulator) -> None:
    with pytest.raises(TimeoutError, match="no matching message in chat 4242"):
        await emulator.wait_for_message(USER, timeout=0.1)


async def test_wait_for_message_skips_non_matching_messages(emulator: BotApiEmulator) -> None:
    def has_question(message: SentMessage) -> bool:
        return "?" in (message.text or "")

    await emulator.send_text(USER, "hi")
    state = emulator.state
    chat = state.chat(USER)
    for text in ("one.", "two?"):
        state.record_sent(chat, SentMessage(USER, chat.take_message_id(), 0, text=text))
    assert (await emulator.wait_for_message(USER, has_question)).text == "two?"
    with pytest.raises(TimeoutError):
        await emulator.wait_for_message(USER, timeout=0.05)
