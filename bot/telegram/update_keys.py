"""What tells one Telegram update from another: its chat, and its key for deduplication."""

from __future__ import annotations

from telegram import Update

from bot.app.ports import UpdateKey


def chat_of(update: Update) -> int:
    """The chat whose order an update must keep: its chat, else its sender, else none (0)."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return 0


def key_of(update: Update) -> UpdateKey:
    """The update's id with its chat and its message or callback query id.

    A resent update has all three the same; a new update that reuses an old id (Telegram
    numbers afresh after a quiet week) differs in its message id, or its query id.
    """
    if update.callback_query is not None:
        item = update.callback_query.id
    elif update.effective_message is not None:
        item = str(update.effective_message.message_id)
    else:
        item = ""
    return UpdateKey(update.update_id, chat_of(update), item)
