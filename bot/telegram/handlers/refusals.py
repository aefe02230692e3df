"""One place that turns a staff-access refusal into a reply, for every staff handler."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec

from telegram import Update
from telegram.ext import ContextTypes

from bot.app import texts
from bot.app.staff_access import NotAllowed, NotStaff
from bot.telegram.handlers.sending import say
from feedback_reports.record import ReportError

P = ParamSpec("P")
Handler = Callable[Concatenate[Update, ContextTypes.DEFAULT_TYPE, P], Coroutine[Any, Any, None]]

# The same words whether the case is someone else's or does not exist: nothing disclosed.
NOT_YOURS = "Sorry, you can't see that, or it doesn't exist."


def staff_only(handler: Handler[P]) -> Handler[P]:
    """Answer families with 'not for you', and staff asking beyond their cases with NOT_YOURS."""

    @functools.wraps(handler)
    async def guarded(
        update: Update, context: ContextTypes.DEFAULT_TYPE, *args: P.args, **kwargs: P.kwargs
    ) -> None:
        assert update.effective_chat is not None
        try:
            await handler(update, context, *args, **kwargs)
        except NotStaff:
            await say(context.bot, update.effective_chat.id, texts.STAFF_ONLY_COMMAND)
        except (NotAllowed, ReportError):
            await say(context.bot, update.effective_chat.id, NOT_YOURS)

    return guarded
