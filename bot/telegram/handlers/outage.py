"""When the database is down: screen and support at once, keep the update, replay it later.

Screening needs no database, so a child who writes something worrying during an outage
still gets the support text straight away. The update itself goes to the durable spool
(`bot/spool.py`) and is handled again, flag, alert and answer included, once the database
answers; the person is told their words are kept, not that something went wrong.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.app import texts
from bot.telegram.handlers.context import deps
from bot.telegram.handlers.sending import say
from storage.database import is_unavailable

logger = logging.getLogger(__name__)

# How long the replay job waits for the database to answer before trying again later.
PING_SECONDS = 3.0


async def hold_for_later(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Spool an update the database could not take, and reassure its sender; False if not that.

    A replayed update that fails again is spooled again quietly: its sender was told once.
    """
    bot_deps = deps(context)
    if context.error is None or not is_unavailable(context.error) or bot_deps.spool is None:
        return False
    bot_deps.spool.add(update.to_dict())
    logger.warning("database unavailable: update %s kept to replay later", update.update_id)
    if update.update_id in bot_deps.replaying or update.effective_chat is None:
        return True
    message = update.effective_message
    chat_id = update.effective_chat.id
    if message is not None and message.text and update.effective_user is not None:
        screened = bot_deps.conversations.screen_offline(update.effective_user.id, message.text)
        support = texts.support_reply(screened)
        if support:
            await say(context.bot, chat_id, support, urgent=True)
    await say(context.bot, chat_id, texts.message("trouble.saving_later"))
    return True


async def replay_spool(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handle the spooled updates again, oldest first, once the database answers."""
    bot_deps = deps(context)
    spool = bot_deps.spool
    if spool is None or not spool.waiting():
        return
    try:
        async with asyncio.timeout(PING_SECONDS):
            await bot_deps.services.database.current_revision()
    except Exception as error:  # still down, whatever the driver calls it: try again later
        logger.info(
            "spooled updates wait: the database is still unavailable (%s)", type(error).__name__
        )
        return
    updates = spool.take()
    logger.info("replaying %d spooled update(s)", len(updates))
    for data in updates:
        update = Update.de_json(data, context.bot)
        bot_deps.replaying.add(update.update_id)
        try:
            await context.application.process_update(update)
        finally:
            bot_deps.replaying.discard(update.update_id)
    spool.done()
