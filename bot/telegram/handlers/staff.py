"""Handlers for IROs and managers: safeguarding flags and children's requests."""

from __future__ import annotations

from dataclasses import asdict, replace
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from bot.app import flags, requests, texts, web_access
from bot.app.dates import moment_words
from bot.telegram.callbacks import FlagButton, RequestButton, flag_actions, request_button
from bot.telegram.handlers.context import chat_and_user, deps
from bot.telegram.handlers.refusals import staff_only
from bot.telegram.handlers.sending import acknowledge_press, say, say_long, send
from bot.telegram.render import ChatMessage


def _describe(line: flags.FlagLine, zone: ZoneInfo) -> str:
    due = (
        texts.message("flags.respond_by", moment=moment_words(line.respond_by, zone))
        if line.respond_by
        else ""
    )
    return texts.message(
        "flags.line",
        flag_id=line.flag_id,
        level=line.concern.level.upper(),
        case_ref=line.case_ref,
        categories=line.concern.about(),
        status=line.status,
        respond_by=due,
        explanation=line.concern.explanation,
    )


def _zone(context: ContextTypes.DEFAULT_TYPE) -> ZoneInfo:
    return deps(context).services.settings.zone


@staff_only
async def list_flags(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the open flags this person may see, each with buttons to open it."""
    chat_id, user_id = chat_and_user(update)
    lines = await flags.open_flags(deps(context).services, user_id)
    if not lines:
        await say(context.bot, chat_id, texts.message("flags.none"))
        return
    for line in lines:
        buttons = flag_actions(line.flag_id)
        await send(context.bot, chat_id, ChatMessage(_describe(line, _zone(context)), buttons))


@staff_only
async def press_flag_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, button: FlagButton
) -> None:
    """Open a flag's words (audited) or acknowledge it."""
    chat_id, user_id = chat_and_user(update)
    await acknowledge_press(update)
    services = deps(context).services
    if button.verb == "open":
        words = await flags.read_flag(services, user_id, button.flag_id)
        text = texts.message(
            "flags.words",
            flag=_describe(words.line, _zone(context)),
            words=words.text,
            flag_id=button.flag_id,
        )
        await say_long(context.bot, chat_id, text)
    else:
        line = await flags.acknowledge(services, user_id, button.flag_id)
        await say(
            context.bot,
            chat_id,
            texts.message("flags.acknowledged", flag=_describe(line, _zone(context))),
        )


@staff_only
async def close_flag(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Close a flag with a note: /close 12 spoke to the child and carer today."""
    chat_id, user_id = chat_and_user(update)
    args = context.args or []
    if len(args) < 2 or not args[0].lstrip("#").isdigit():
        await say(context.bot, chat_id, texts.message("flags.close_usage"))
        return
    note = " ".join(args[1:])
    line = await flags.close(deps(context).services, user_id, int(args[0].lstrip("#")), note)
    await say(
        context.bot, chat_id, texts.message("flags.closed", flag=_describe(line, _zone(context)))
    )


@staff_only
async def send_web_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send a one-time link into the web workspace (10 minutes, once)."""
    chat_id, user_id = chat_and_user(update)
    services = deps(context).services
    token = await web_access.issue_sign_in_link(services, user_id)
    link = web_access.sign_in_link(services.settings.workspace_url, token)
    await say(context.bot, chat_id, texts.message("web.link", link=link))


def _describe_request(line: requests.RequestLine) -> str:
    note = "\n" + texts.message("requests.your_note", note=line.note) if line.note else ""
    # The message's placeholders are the line's fields, the note worded as above.
    return texts.message("requests.line", **asdict(replace(line, note=note)))


@staff_only
async def list_requests(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List what children on my cases have asked for; the child hears that I have seen it."""
    chat_id, user_id = chat_and_user(update)
    bot_deps = deps(context)
    lines = await requests.open_requests(bot_deps.services, bot_deps.flows, user_id)
    if not lines:
        await say(context.bot, chat_id, texts.message("requests.none"))
        return
    for line in lines:
        buttons = (((texts.message("button.request_done"), request_button(line.request_id)),),)
        await send(context.bot, chat_id, ChatMessage(_describe_request(line), buttons))
    await say(context.bot, chat_id, texts.message("requests.how_to_close"))
    await deps(context).deliver_now()


@staff_only
async def close_request(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Mark a request done, with a note the child receives: /done 4 I'll call you on Friday."""
    chat_id, _ = chat_and_user(update)
    args = context.args or []
    if not args or not args[0].lstrip("#").isdigit():
        await say(context.bot, chat_id, texts.message("requests.done_usage"))
        return
    await _mark_done(update, context, int(args[0].lstrip("#")), " ".join(args[1:]) or None)


@staff_only
async def press_request_done(
    update: Update, context: ContextTypes.DEFAULT_TYPE, button: RequestButton
) -> None:
    """'Done' under a request: closed without a note."""
    await acknowledge_press(update)
    await _mark_done(update, context, button.request_id, None)


async def _mark_done(
    update: Update, context: ContextTypes.DEFAULT_TYPE, request_id: int, note: str | None
) -> None:
    chat_id, user_id = chat_and_user(update)
    bot_deps = deps(context)
    line = await requests.mark_done(bot_deps.services, bot_deps.flows, user_id, request_id, note)
    done = "requests.done_with_note" if note else "requests.done"
    await say(context.bot, chat_id, texts.message(done, request=_describe_request(line)))
    await bot_deps.deliver_now()
