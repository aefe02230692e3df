"""The bot's username, which the invitation's Telegram link (`joining.telegram_link`) needs."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.settings import Settings

logger = logging.getLogger(__name__)


async def bot_username(settings: Settings) -> str | None:
    """The configured username, else the one Telegram reports for the token, else None."""
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    if not settings.telegram_token:
        return None
    try:
        async with Bot(settings.telegram_token, base_url=settings.telegram_api_url) as bot:
            return bot.username
    except TelegramError as exc:
        logger.warning("could not ask Telegram for the bot's username: %s", exc)
        return None
