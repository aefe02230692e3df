"""The typed keys the web chat keeps in its aiohttp application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from bot.bootstrap import Core
from bot.web.common.ratelimit import RateLimiter


@dataclass(frozen=True)
class ChatLimits:
    """Per-address opening of links (and PIN posts); per-chat posts."""

    links: RateLimiter
    posts: RateLimiter


CHAT_CORE = web.AppKey("chat_core", Core)
LIMITS = web.AppKey("chat_limits", ChatLimits)
# Delivers the outbox at once (an alert, a request), when the bot runs in this process.
Nudge = Callable[[], Awaitable[object]]
NUDGE: web.AppKey[Nudge] = web.AppKey("chat_nudge")
