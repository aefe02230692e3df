"""Handlers for children, parents and carers: joining, flows, and the always-there commands."""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import BotCommandScopeChat, CallbackQuery, Message, Update
from telegram.ext import ContextTypes

from bot.app import texts
from bot.app.conversation import Purpose
from bot.app.joining import JoinResult, redeem
from bot.app.languages import reader, suggested
from bot.app.replies import Notice, Outcome
from bot.telegram.callbacks import RunButton
from bot.telegram.handlers.context import deps
from bot.telegram.handlers.languages import chooser
from bot.telegram.handlers.sending import Pressed, keyboard, present, say, send, with_retries
from bot.telegram.render import render, split_text
from bot.telegram.update_keys import key_of
from conversations.catalogue import DEFAULT_LOCALE
from conversations.events import Asked, Cancel, Resume, Text

logger = logging.getLogger(__name__)


def _ids(update: Update) -> tuple[int, int]:
    assert update.effective_user is not None and update.effective_chat is not None
    return update.effective_user.id, update.effective_chat.id


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Redeem the invitation in a deep link, or explain how to get one, in the language the
    person's device suggests; someone who joins is offered the other languages too."""
    user_id, chat_id = _ids(update)
    bot_deps = deps(context)
    commands = bot_deps.commands
    assert update.effective_user is not None
    offered = bot_deps.services.settings.languages
    locale = suggested(offered, update.effective_user.language_code)
    if not context.args:
        await say(context.bot, chat_id, commands.help(None, locale))
        return
    joined = await redeem(bot_deps.services, user_id, context.args[0][:64], key_of(update), locale)
    if joined.result is JoinResult.duplicate:
        return  # Telegram resent a /start already answered
    if joined.result is JoinResult.joined and joined.role is not None:
        await with_retries(
            lambda: context.bot.set_my_commands(
                commands.menu(joined.role, locale), scope=BotCommandScopeChat(chat_id)
            )
        )
        await say(context.bot, chat_id, commands.welcome(joined.role, locale))
        if len(offered) > 1:
            await send(context.bot, chat_id, chooser(bot_deps, locale))
    else:
        await say(context.bot, chat_id, texts.refusal(joined.result.value, locale))


async def _begin(update: Update, context: ContextTypes.DEFAULT_TYPE, purpose: Purpose) -> None:
    user_id, chat_id = _ids(update)
    bot_deps = deps(context)
    note = bot_deps.notes.held_for(chat_id)
    outcome = await bot_deps.conversations.begin(user_id, key_of(update), purpose, note)
    await present(context.bot, chat_id, bot_deps, outcome)


async def get_ready_for_review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start or resume getting ready for the next review or conference."""
    await _begin(update, context, Purpose.review)


async def give_feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start feedback on the last meeting (children) or on the IRO service (families)."""
    await _begin(update, context, Purpose.feedback)


async def check_in(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start a quick check-in between reviews."""
    await _begin(update, context, Purpose.checkin)


async def answer_with_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, refusal: Notice | None = None
) -> None:
    """Screen typed words, then give them to the open run as an answer; a command is
    refused (with `refusal` instead of "I don't know that command", if given)."""
    user_id, chat_id = _ids(update)
    assert update.message is not None and update.message.text is not None
    bot_deps = deps(context)
    text, note = Text(update.message.text), bot_deps.notes.held_for(chat_id)
    outcome = await bot_deps.conversations.act(user_id, key_of(update), text, note=note)
    if refusal is not None:
        notices = (refusal if n is Notice.unknown_command else n for n in outcome.notices)
        outcome = replace(outcome, notices=tuple(notices))
    await present(context.bot, chat_id, bot_deps, outcome)


async def press_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, button: RunButton
) -> None:
    """Give a pressed button to its run; its message becomes what comes next."""
    user_id, chat_id = _ids(update)
    query = update.callback_query
    assert query is not None
    bot_deps = deps(context)
    note = bot_deps.notes.held_for(chat_id)
    outcome = await bot_deps.conversations.act(
        user_id, key_of(update), button.action, button, note
    )
    await with_retries(query.answer)
    stale = Notice.stale_button in outcome.notices
    first = outcome.events[0] if outcome.events else None
    # Only ticking a box redraws its question; "carry on" after a cancel asks it anew.
    ticked = not isinstance(button.action, Resume)
    if ticked and isinstance(first, Asked) and first.step_id == button.step_id and not stale:
        # A ticked box on a multi step: redraw the same message instead of a new one.
        await _redraw(context, chat_id, query, outcome)
        return
    await present(context.bot, chat_id, bot_deps, outcome, None if stale else _pressed(query))


def _pressed(query: CallbackQuery) -> Pressed | None:
    """The pressed message and the label of its button, if Telegram still shows them."""
    message = query.message
    if not isinstance(message, Message) or message.text is None:
        return None
    label = next(
        (
            button.text
            for row in (message.reply_markup.inline_keyboard if message.reply_markup else ())
            for button in row
            if button.callback_data == query.data
        ),
        None,
    )
    return Pressed(message.message_id, message.text, label) if label is not None else None


async def _redraw(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, query: CallbackQuery, outcome: Outcome
) -> None:
    assert query.message is not None
    message_id = query.message.message_id
    rendered = render(outcome.events[:1], outcome.run_id, outcome.locale)[0]
    await with_retries(
        lambda: context.bot.edit_message_reply_markup(
            chat_id, message_id, reply_markup=keyboard(rendered.buttons)
        )
    )


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop the open run; nothing in it is shared."""
    user_id, chat_id = _ids(update)
    bot_deps = deps(context)
    note = bot_deps.notes.held_for(chat_id)
    outcome = await bot_deps.conversations.act(user_id, key_of(update), Cancel(), note=note)
    if Notice.no_open_run in outcome.notices:
        await say(context.bot, chat_id, texts.message("notice.cancelled_nothing", outcome.locale))
        return
    await present(context.bot, chat_id, bot_deps, outcome)


async def show_my_answers(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List what this person sent, and who can see it."""
    user_id, chat_id = _ids(update)
    bot_deps = deps(context)
    sent = await bot_deps.conversations.sent_runs(user_id)
    locale = (await reader(bot_deps.services, user_id)).locale
    if not sent:
        await say(context.bot, chat_id, texts.message("answers.none", locale))
        return
    for run in sent:
        day = f"{run.submitted_on:%d/%m/%Y}"
        lines = [texts.message("answers.heading", locale, title=run.flow_title, day=day)]
        who = texts.who_can_see(run.share_with, locale)
        lines.append(texts.message("answers.who", locale, who=who))
        lines.extend(f"- {question}\n  {answer}" for question, answer in run.answers)
        for chunk in split_text("\n".join(lines)):
            await say(context.bot, chat_id, chunk.text)


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what this person can do, by who they are."""
    user_id, chat_id = _ids(update)
    bot_deps = deps(context)
    who = await reader(bot_deps.services, user_id)
    await say(context.bot, chat_id, bot_deps.commands.help(who.role, who.locale))


async def show_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what is kept, who sees it and for how long, in words for who is asking."""
    user_id, chat_id = _ids(update)
    who = await reader(deps(context).services, user_id)
    await say(context.bot, chat_id, texts.privacy_for(who.role, who.locale))


async def show_help_now(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say who to contact now; works at any moment, in or out of a flow."""
    user_id, chat_id = _ids(update)
    try:
        locale = (await reader(deps(context).services, user_id)).locale
    except Exception:
        # The numbers to call matter more than their language: a database outage must not
        # stand between a child and them.
        logger.warning("could not read the language for /helpnow; answering in English")
        locale = DEFAULT_LOCALE
    await say(context.bot, chat_id, texts.message("safety.help_now", locale), urgent=True)
