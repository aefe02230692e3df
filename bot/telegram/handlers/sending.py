"""Sending to Telegram: retries on network trouble, keyboards, and showing an outcome."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.app import texts
from bot.app.conversation import Notice, Outcome
from bot.telegram.handlers.context import BotDeps
from bot.telegram.handlers.questions import replace_question
from bot.telegram.render import ChatMessage, render
from conversations.catalogue import DEFAULT_LOCALE
from conversations.events import Submitted
from conversations.safeguarding.model import Level

logger = logging.getLogger(__name__)

T = TypeVar("T")
ATTEMPTS = 5


def retry_seconds(error: RetryAfter) -> float:
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


async def with_retries(call: Callable[[], Awaitable[T]]) -> T:
    """Call Telegram, waiting out 429s and retrying network errors and 5xx a few times."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await call()
        except RetryAfter as error:
            if attempt == ATTEMPTS:
                raise
            await asyncio.sleep(retry_seconds(error))
        except BadRequest:
            raise
        except NetworkError as error:
            if attempt == ATTEMPTS:
                raise
            logger.info("Telegram call failed (%s); retrying", type(error).__name__)
            await asyncio.sleep(min(0.2 * 2**attempt, 5))
    raise AssertionError("unreachable")


def keyboard(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def send(bot: Bot, chat_id: int, message: ChatMessage) -> Message:
    markup = keyboard(message.buttons)
    return await with_retries(lambda: bot.send_message(chat_id, message.text, reply_markup=markup))


async def say(bot: Bot, chat_id: int, text: str) -> Message:
    return await send(bot, chat_id, ChatMessage(text))


async def remove_buttons(bot: Bot, chat_id: int, message_id: int) -> None:
    """Tidy an answered question away; it may already be tidy, which is fine."""
    with contextlib.suppress(BadRequest):
        await with_retries(
            lambda: bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        )


async def present(
    bot: Bot,
    chat_id: int,
    deps: BotDeps,
    outcome: Outcome,
    answered: int | None = None,
    locale: str = DEFAULT_LOCALE,
) -> None:
    """Show an outcome: support first if the words were worrying, then the flow, then tidy
    the buttons off the question it answered (unless that is `answered`, a pressed message
    already marked).

    The flag and its alerts are already committed; sending them now only saves the wait
    for the next outbox sweep, so a failure here loses nothing.
    """
    screening = outcome.screening
    support = texts.support_reply(screening, locale) if screening is not None else None
    if support:
        await say(bot, chat_id, support)
    if screening is not None and screening.level is not Level.NONE and deps.deliver_outbox:
        await deps.deliver_outbox()
    for notice in outcome.notices:
        if notice is Notice.not_linked:
            words: str | None = deps.commands.help(None, locale)
        else:
            words = texts.notice(notice, locale)
        if words:
            await say(bot, chat_id, words)
    for line in outcome.lines:
        await say(bot, chat_id, line)
    shown = None
    for message in render(outcome.events, outcome.run_id, locale):
        sent = await send(bot, chat_id, message)
        if message.step_id is not None:
            shown = sent.message_id
    # After the sends, so the next question reaches the person one call sooner.
    done_with = await replace_question(deps.services, outcome, shown, answered)
    if done_with is not None:
        await remove_buttons(bot, chat_id, done_with)
    # A sent run may have queued messages for others (an outcome's note to the child).
    if any(isinstance(event, Submitted) for event in outcome.events) and deps.deliver_outbox:
        await deps.deliver_outbox()
