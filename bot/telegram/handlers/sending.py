"""Sending to Telegram: retries on network trouble, keyboards, and showing an outcome.

Every send and edit draws on Telegram's budget of about 30 messages a second for the whole
bot, so an outcome is shown in as few calls as reads well: plain lines join the message
after them, and a pressed button's message becomes what comes next.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.app import texts
from bot.app.replies import Notice, Outcome
from bot.telegram.handlers.context import BotDeps
from bot.telegram.limiter import retry_seconds, urgently
from bot.telegram.render import TELEGRAM_LIMIT, ChatMessage, render, split_text
from conversations.events import Submitted
from conversations.safeguarding.model import Level

logger = logging.getLogger(__name__)

T = TypeVar("T")
ATTEMPTS = 5


@dataclass(frozen=True)
class Pressed:
    """The message whose button was pressed: its id, its text, and the button's label."""

    message_id: int
    text: str
    label: str


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


async def say(bot: Bot, chat_id: int, text: str, *, urgent: bool = False) -> Message:
    """Send words; urgent ones (support, /helpnow) go ahead of every other chat's messages."""
    with urgently() if urgent else contextlib.nullcontext():
        return await send(bot, chat_id, ChatMessage(text))


async def say_long(bot: Bot, chat_id: int, text: str) -> None:
    """Say a text that may run past Telegram's limit, in as many messages as it needs."""
    for chunk in split_text(text):
        await say(bot, chat_id, chunk.text)


async def acknowledge_press(update: Update) -> None:
    """Answer a pressed button's query, so the person's app stops showing it as loading."""
    assert update.callback_query is not None
    await with_retries(update.callback_query.answer)


async def remove_buttons(bot: Bot, chat_id: int, message_id: int) -> None:
    """Tidy an answered question away; it may already be tidy, which is fine."""
    with contextlib.suppress(BadRequest):
        await with_retries(
            lambda: bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        )


async def edit(bot: Bot, chat_id: int, message_id: int, message: ChatMessage) -> bool:
    """Make a message say something else; False if Telegram will not (too old, deleted)."""
    markup = keyboard(message.buttons)
    try:
        await with_retries(
            lambda: bot.edit_message_text(message.text, chat_id, message_id, reply_markup=markup)
        )
    except BadRequest as error:
        logger.info("could not edit a message (%s); sending anew", error.message)
        return False
    return True


def joined(messages: list[ChatMessage]) -> list[ChatMessage]:
    """Join plain lines to the message after them, where Telegram's length limit allows."""
    out: list[ChatMessage] = []
    for message in messages:
        before = out[-1] if out else None
        if before is not None and not before.buttons and not before.is_summary:
            text = f"{before.text}\n\n{message.text}"
            if len(text) <= TELEGRAM_LIMIT:
                out[-1] = ChatMessage(text, message.buttons, message.step_id, message.is_summary)
                continue
        out.append(message)
    return out


def turned_into(pressed: Pressed, after: ChatMessage) -> ChatMessage:
    """The pressed message turned into what comes next, saying which button was pressed.

    A next question replaces the answered one; an ending (thanks, saved, cancelled) keeps
    the message it answers, such as the summary, above it.
    """
    tick = f"✓ {pressed.label}"
    if after.buttons:
        text = f"{tick}\n\n{after.text}"
    else:
        text = f"{pressed.text}\n\n{tick}\n\n{after.text}"
    if len(text) > TELEGRAM_LIMIT:
        text = after.text
    return ChatMessage(text, after.buttons, after.step_id, after.is_summary)


def _said_first(deps: BotDeps, outcome: Outcome, locale: str) -> list[ChatMessage]:
    """The outcome's notices and lines, said before its events."""
    words = [_notice_words(deps, notice, locale) for notice in outcome.notices]
    return [ChatMessage(text) for text in (*words, *outcome.lines) if text]


def _notice_words(deps: BotDeps, notice: Notice, locale: str) -> str | None:
    """A notice's words; someone not linked is told how to join, as /help tells newcomers."""
    if notice is Notice.not_linked:
        return deps.commands.help(None, locale)
    return texts.notice(notice, locale)


async def present(
    bot: Bot,
    chat_id: int,
    deps: BotDeps,
    outcome: Outcome,
    pressed: Pressed | None = None,
) -> None:
    """Show an outcome: support first if the words were worrying, then the flow, then tidy
    the buttons off a question that is asked again below.

    The flag and its alerts are already committed; sending them now only saves the wait
    for the next outbox sweep, so a failure here loses nothing. With `pressed`, the message
    whose button was pressed becomes the first message to show.
    """
    locale = outcome.locale
    screening = outcome.screening
    support = texts.support_reply(screening, locale) if screening is not None else None
    if support:
        await say(bot, chat_id, support, urgent=True)
    if screening is not None and screening.level is not Level.NONE:
        await deps.deliver_now()
    events = render(outcome.events, outcome.run_id, locale)
    messages = joined(_said_first(deps, outcome, locale) + events)
    shown = None
    for number, message in enumerate(messages):
        message_id = await _show(bot, chat_id, message, pressed if number == 0 else None)
        if message.step_id is not None:
            shown = message_id
    # After the sends, so the next question reaches the person one call sooner.
    answered = pressed.message_id if pressed is not None else None
    done_with = await deps.notes.replace(chat_id, outcome, shown, answered)
    if done_with is not None:
        await remove_buttons(bot, chat_id, done_with)
    # A sent run may have queued messages for others (an outcome's note to the child).
    if any(isinstance(event, Submitted) for event in outcome.events):
        await deps.deliver_now()


async def _show(bot: Bot, chat_id: int, message: ChatMessage, pressed: Pressed | None) -> int:
    """Show one message, in place of the pressed one if Telegram allows; its message id."""
    if pressed is not None:
        in_place = turned_into(pressed, message)
        if await edit(bot, chat_id, pressed.message_id, in_place):
            return pressed.message_id
    return (await send(bot, chat_id, message)).message_id
