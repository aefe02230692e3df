"""One place that turns a staff-access refusal into a reply, for every staff handler."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec

from telegram import Update
from telegram.ext import ContextTypes

from bot.app import texts
from bot.app.replies import Notice
from bot.app.staff_access import NotAllowed, NotStaff
from bot.telegram.handlers import participants
from bot.telegram.handlers.sending import say
from feedback_reports.record_model import ReportError

P = ParamSpec("P")
Handler = Callable[Concatenate[Update, ContextTypes.DEFAULT_TYPE, P], Coroutine[Any, Any, None]]


def staff_only(handler: Handler[P]) -> Handler[P]:
    """Answer families with 'not for you', and staff asking beyond their cases with 'not yours'."""

    @functools.wraps(handler)
    async def guarded(
        update: Update, context: ContextTypes.DEFAULT_TYPE, *args: P.args, **kwargs: P.kwargs
    ) -> None:
        assert update.effective_chat is not None
        try:
            await handler(update, context, *args, **kwargs)
        except NotStaff:
            if update.message is None or update.message.text is None:
                refusal = texts.message("refusal.staff_command")
                await say(context.bot, update.effective_chat.id, refusal)
                return
            # A child or family typing a staff command: its words are screened like any
            # others ("/views my dad hits me"), then it is refused as not theirs.
            await participants.answer_with_text(update, context, refusal=Notice.staff_command)
        except (NotAllowed, ReportError):
            # The same words whether the case is someone else's or does not exist.
            await say(context.bot, update.effective_chat.id, texts.message("refusal.not_yours"))

    return guarded
