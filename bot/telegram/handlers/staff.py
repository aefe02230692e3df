"""Handlers for IROs and managers: safeguarding flags and children's requests."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from bot.app import flags, requests
from bot.app.dates import moment_words
from bot.telegram.callbacks import FlagButton, RequestButton, flag_button, request_button
from bot.telegram.handlers.context import deps
from bot.telegram.handlers.refusals import staff_only
from bot.telegram.handlers.sending import say, send, with_retries
from bot.telegram.render import ChatMessage, split_text

REQUEST_DONE_HOW = (
    "Press Done when a request is dealt with, or write /done NUMBER and a note: "
    "the child receives your note."
)


def _describe(line: flags.FlagLine, zone: ZoneInfo) -> str:
    categories = ", ".join(c.replace("_", " ") for c in line.categories) or "unspecified"
    due = f", respond by {moment_words(line.respond_by, zone)}" if line.respond_by else ""
    return (
        f"#{line.flag_id} {line.level.upper()} - case {line.case_ref} - {categories} "
        f"({line.status}{due})\n{line.explanation}"
    )


def _zone(context: ContextTypes.DEFAULT_TYPE) -> ZoneInfo:
    return deps(context).services.settings.zone


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
        await send(context.bot, chat_id, ChatMessage(_describe(line, _zone(context)), buttons))


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
        text = f"{_describe(words.line, _zone(context))}\n\nTheir words:\n{words.text}\n\n" + (
            f"To close it: /close {button.flag_id} what you did"
        )
        for chunk in split_text(text):
            await say(context.bot, chat_id, chunk.text)
    else:
        line = await flags.acknowledge(services, user_id, button.flag_id)
        await say(context.bot, chat_id, f"Acknowledged. {_describe(line, _zone(context))}")


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
    await say(context.bot, chat_id, f"Closed. {_describe(line, _zone(context))}")


def _describe_request(line: requests.RequestLine) -> str:
    note = f"\nYour note: {line.note}" if line.note else ""
    return (
        f"#{line.request_id} case {line.case_ref} ({line.status}): {line.about}\n"
        f"Asked {line.made}, about their {line.meeting}{note}"
    )


@staff_only
async def list_requests(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List what children on my cases have asked for; the child hears that I have seen it."""
    chat_id, user_id = _chat_and_user(update)
    bot_deps = deps(context)
    lines = await requests.open_requests(bot_deps.services, bot_deps.flows, user_id)
    if not lines:
        await say(context.bot, chat_id, "No open requests from children.")
        return
    for line in lines:
        buttons = ((("Done", request_button(line.request_id)),),)
        await send(context.bot, chat_id, ChatMessage(_describe_request(line), buttons))
    await say(context.bot, chat_id, REQUEST_DONE_HOW)
    await _deliver(context)


@staff_only
async def close_request(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Mark a request done, with a note the child receives: /done 4 I'll call you on Friday."""
    chat_id, _ = _chat_and_user(update)
    args = context.args or []
    if not args or not args[0].lstrip("#").isdigit():
        await say(context.bot, chat_id, "Please write: /done REQUEST_NUMBER and a note (optional)")
        return
    await _mark_done(update, context, int(args[0].lstrip("#")), " ".join(args[1:]) or None)


@staff_only
async def press_request_done(
    update: Update, context: ContextTypes.DEFAULT_TYPE, button: RequestButton
) -> None:
    """'Done' under a request: closed without a note."""
    assert update.callback_query is not None
    await with_retries(update.callback_query.answer)
    await _mark_done(update, context, button.request_id, None)


async def _mark_done(
    update: Update, context: ContextTypes.DEFAULT_TYPE, request_id: int, note: str | None
) -> None:
    chat_id, user_id = _chat_and_user(update)
    bot_deps = deps(context)
    line = await requests.mark_done(bot_deps.services, bot_deps.flows, user_id, request_id, note)
    told = " The child has your note." if note else ""
    await say(context.bot, chat_id, f"Done.{told}\n{_describe_request(line)}")
    await _deliver(context)


async def _deliver(context: ContextTypes.DEFAULT_TYPE) -> None:
    deliver = deps(context).deliver_outbox
    if deliver is not None:
        await deliver()
