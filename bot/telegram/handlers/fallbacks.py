"""Handlers for what the bot cannot take: media, edits, unknown commands, odd buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.app import texts
from bot.app.languages import reader
from bot.telegram.handlers import participants
from bot.telegram.handlers.context import deps
from bot.telegram.handlers.sending import present, say, with_retries


async def _locale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language of the person writing (English until they are known)."""
    assert update.effective_user is not None
    return (await reader(deps(context).services, update.effective_user.id)).locale


async def _show_where_we_are(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_user is not None and update.effective_chat is not None
    bot_deps = deps(context)
    outcome = await bot_deps.conversations.current(update.effective_user.id)
    await present(context.bot, update.effective_chat.id, bot_deps, outcome)


async def refuse_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say that only words and buttons work, then show the current question again."""
    assert update.effective_chat is not None
    locale = await _locale(update, context)
    await say(context.bot, update.effective_chat.id, texts.message("refusal.media", locale))
    await _show_where_we_are(update, context)


async def refuse_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain that edits do not change a stored answer."""
    assert update.effective_chat is not None
    locale = await _locale(update, context)
    await say(context.bot, update.effective_chat.id, texts.message("refusal.edited", locale))


async def refuse_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Give a command there is none of to the conversation, which screens its words like
    any others ("/help2 my dad hits me") and points to /help."""
    await participants.answer_with_text(update, context)


async def refuse_stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a button that no longer means anything, and show where we are."""
    query = update.callback_query
    assert query is not None
    stale = texts.message("notice.stale_button", await _locale(update, context))
    await with_retries(lambda: query.answer(stale[:190]))
    await _show_where_we_are(update, context)
