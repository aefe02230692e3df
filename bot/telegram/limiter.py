"""Telegram's message budget, shared by every chat, where one chat's 429 holds back that chat only.

Telegram lets a bot send about 30 messages a second; sends and edits to a chat draw on that
budget, and answering a button press (which names no chat) does not. PTB's AIORateLimiter
pauses every call of the bot when any call gets a 429, so one child's "too many requests"
stalled every other child, safeguarding replies included. Here a 429 holds back the chat it
was for, and urgent messages (support after worrying words, /helpnow) take the next free
place in the budget ahead of everything else.

    with urgently():
        await bot.send_message(chat_id, text)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
# Set for the sends of one task (a handler) that must not wait behind others.
_URGENT: ContextVar[bool] = ContextVar("urgent", default=False)
# Telegram's retry_after is a lower bound; a little more avoids a second 429.
RETRY_MARGIN_SECONDS = 0.1


@contextlib.contextmanager
def urgently() -> Iterator[None]:
    """Send what is sent inside ahead of every other message waiting for the budget."""
    token = _URGENT.set(True)
    try:
        yield
    finally:
        _URGENT.reset(token)


class Budget:
    """A token bucket: `per_second` calls a second, bursts of up to a second's worth.

    Waiting calls are served in order, urgent ones first. `per_second` 0 means no limit.
    """

    def __init__(self, per_second: float, clock: Callable[[], float] | None = None) -> None:
        self.per_second = per_second
        self._clock = clock or (lambda: asyncio.get_running_loop().time())
        self._tokens = per_second
        self._stamp: float | None = None
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    async def take(self, *, urgent: bool = False) -> None:
        """Wait for a place in the budget."""
        if self.per_second <= 0:
            return
        self._refill()
        ahead = self._urgent if urgent else (self._urgent or self._waiting)
        if not ahead and self._tokens >= 1:
            self._tokens -= 1
            return
        place: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._waiting).append(place)
        self._wake_later()
        try:
            await place
        except asyncio.CancelledError:
            for queue in (self._urgent, self._waiting):
                if place in queue:
                    queue.remove(place)
            raise

    def _refill(self) -> None:
        now = self._clock()
        if self._stamp is not None:
            elapsed = now - self._stamp
            self._tokens = min(self.per_second, self._tokens + elapsed * self.per_second)
        self._stamp = now

    def _serve(self) -> None:
        self._timer = None
        self._refill()
        while self._tokens >= 1 and (self._urgent or self._waiting):
            place = (self._urgent or self._waiting).popleft()
            if not place.done():
                self._tokens -= 1
                place.set_result(None)
        self._wake_later()

    def _wake_later(self) -> None:
        if self._timer is None and (self._urgent or self._waiting):
            delay = max(0.0, (1 - self._tokens) / self.per_second)
            self._timer = asyncio.get_running_loop().call_later(delay, self._serve)


class ChatRateLimiter(BaseRateLimiter[None]):
    """Share the message budget between chats; wait out a chat's 429 in that chat alone."""

    def __init__(self, per_second: float = 30, max_retries: int = 3) -> None:
        self.budget = Budget(per_second)
        self.max_retries = max_retries
        self._held_until: dict[object, float] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        """Call Telegram once the chat is free and the budget allows; retry a 429 later."""
        chat = data.get("chat_id")
        for attempt in range(self.max_retries + 1):
            await self._wait_for(chat)
            if chat is not None:
                await self.budget.take(urgent=_URGENT.get())
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == self.max_retries:
                    raise
                self._hold(chat, retry_seconds(error))
        raise AssertionError("unreachable")

    def _hold(self, chat: object, seconds: float) -> None:
        logger.info("Telegram asked to wait %.1f s before writing to one chat again", seconds)
        until = asyncio.get_running_loop().time() + seconds + RETRY_MARGIN_SECONDS
        self._held_until[chat] = max(until, self._held_until.get(chat, 0.0))

    async def _wait_for(self, chat: object) -> None:
        until = self._held_until.get(chat)
        if until is None:
            return
        remaining = until - asyncio.get_running_loop().time()
        if remaining > 0:
            await asyncio.sleep(remaining)
        if self._held_until.get(chat) == until:
            del self._held_until[chat]


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait, in seconds (PTB gives a number or a timedelta)."""
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
