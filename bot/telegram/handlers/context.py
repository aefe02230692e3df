"""What handlers need, kept in `application.bot_data` and read back with a type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.app.conversation import Conversations
from bot.app.run_store import RunStore
from bot.bootstrap import Services
from bot.telegram.command_registry import CommandRegistry
from bot.telegram.handlers.questions import QuestionNotes
from bot.telegram.spool import UpdateSpool
from conversations.flow_spec import Flow

KEY = "mysay"


@dataclass
class BotDeps:
    services: Services
    flows: Mapping[str, Flow]
    conversations: Conversations
    store: RunStore
    commands: CommandRegistry
    # The message showing each chat's question, held until the chat's next input writes it.
    notes: QuestionNotes
    # Set by the application: drains the outbox (alerts first, the rest giving way to the
    # inputs in flight); sends the safeguarding alerts alone; starts a drain in the background.
    deliver_outbox: Callable[[], Awaitable[Any]] | None = None
    deliver_alerts: Callable[[], Awaitable[Any]] | None = None
    start_delivery: Callable[[], object] | None = None
    # Where updates wait while the database is down, and the ids being replayed from it.
    spool: UpdateSpool | None = None
    replaying: set[int] = field(default_factory=set)

    async def deliver_now(self) -> None:
        """Send the safeguarding alerts now, and start the rest (read receipts, requests) on
        their way without waiting for them: the input in hand must not wait behind a sweep."""
        if self.deliver_alerts is not None:
            await self.deliver_alerts()
        if self.start_delivery is not None:
            self.start_delivery()


def deps(context: ContextTypes.DEFAULT_TYPE) -> BotDeps:
    found: BotDeps = context.application.bot_data[KEY]
    return found


def chat_and_user(update: Update) -> tuple[int, int]:
    """The chat an update came from and the person who sent it."""
    assert update.effective_user is not None and update.effective_chat is not None
    return update.effective_chat.id, update.effective_user.id


def bot_deps(application: Application[Any, Any, Any, Any, Any, Any]) -> BotDeps:
    """What the handlers of `application` were given (outside a handler: a web page)."""
    found: BotDeps = application.bot_data[KEY]
    return found


def install(application: Application[Any, Any, Any, Any, Any, Any], bot_deps: BotDeps) -> None:
    application.bot_data[KEY] = bot_deps
