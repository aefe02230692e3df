"""Handlers for IROs and managers: safeguarding flags (more staff tools live beside it)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.callbacks import FlagButton, flag_button
from bot.handlers.context import deps
from bot.handlers.refusals import staff_only
from bot.handlers.sending import say, send, with_retries
from bot.render import ChatMessage, split_text
from bot.usecases import flags


def _describe(line: flags.FlagLine) -> str:
    categories = ", ".join(c.replace("_", " ") for c in line.categories) or "unspecified"
    due = f", respond by {line.respond_by:%d/%m %H:%M} UTC" if line.respond_by else ""
    return (
        f"#{line.flag_id} {line.level.upper()} - case {line.case_ref} - {categories} "
        f"({line.status}{due})\n{line.explanation}"
    )


def _chat_and_user(update: Update) -> tuple[int, int]:
    assert update.effective_user is not None and update.effective_chat is not None
    return update.effective_chat.id, update.effective_user.id


@staff_only
async def list_flags(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the open flags this person may see, each with buttons to open it."""
    chat_id, user_id = _chat_and_user(update)
    lines = await flags.open_flags(deps(context).services, user_id)
    if not lines:
        await say(context.bot, chat_id, "No open safeguarding flags.")
        return
    for line in lines:
        buttons = (
            (
                ("Open the words", flag_button(line.flag_id, "open")),
                ("Acknowledge", flag_button(line.flag_id, "ack")),
            ),
        )
        await send(context.bot, chat_id, ChatMessage(_describe(line), buttons))


@staff_only
async def press_flag_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, button: FlagButton
) -> None:
    """Open a flag's words (audited) or acknowledge it."""
    chat_id, user_id = _chat_and_user(update)
    query = update.callback_query
    assert query is not None
    services = deps(context).services
    await with_retries(query.answer)
    if button.verb == "open":
        words = await flags.read_flag(services, user_id, button.flag_id)
        text = f"{_describe(words.line)}\n\nTheir words:\n{words.text}\n\n" + (
            f"To close it: /close {button.flag_id} what you did"
        )
        for chunk in split_text(text):
            await say(context.bot, chat_id, chunk.text)
    else:
        line = await flags.acknowledge(services, user_id, button.flag_id)
        await say(context.bot, chat_id, f"Acknowledged. {_describe(line)}")


@staff_only
async def close_flag(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Close a flag with a note: /close 12 spoke to the child and carer today."""
    chat_id, user_id = _chat_and_user(update)
    args = context.args or []
    if len(args) < 2 or not args[0].lstrip("#").isdigit():
        await say(context.bot, chat_id, "Please write: /close FLAG_NUMBER what you did")
        return
    note = " ".join(args[1:])
    line = await flags.close(deps(context).services, user_id, int(args[0].lstrip("#")), note)
    await say(context.bot, chat_id, f"Closed. {_describe(line)}")
