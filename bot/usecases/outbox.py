"""Delivering the outbox: stored messages sent until Telegram accepts them.

Delivery is at least once: a message is marked sent only after Telegram accepted it, so a
crash in between sends it again rather than never. A lease stops two workers sending it
at the same moment.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.bootstrap import Services

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=5)


class DeliveryFailed(Exception):
    """Telegram did not take the message; `retry_after` is its own wish, in seconds."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


SendMessage = Callable[[int, str, dict[str, Any] | None], Awaitable[None]]


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    deferred: int


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=2 ** min(attempts, 10)), MAX_BACKOFF)


async def deliver_due(services: Services, send: SendMessage, limit: int = 50) -> DeliveryReport:
    """Send every message that is due; failures are rescheduled, never dropped."""
    now = services.clock()
    async with services.uow() as uow:
        due = [message.id for message in await uow.outbox.due(now, limit)]
    sent = deferred = 0
    for message_id in due:
        async with services.uow() as uow:
            message = await uow.outbox.lease(message_id, now, now + LEASE)
            if message is None:
                continue
            await uow.commit()
            text = uow.outbox.text(message)
            try:
                await send(message.chat_id, text, message.reply_markup)
            except DeliveryFailed as failure:
                message.attempts += 1
                wait = (
                    timedelta(seconds=failure.retry_after)
                    if failure.retry_after is not None
                    else backoff(message.attempts)
                )
                message.next_attempt_at = services.clock() + wait
                message.last_error = failure.reason[:200]
                logger.warning(
                    "outbox message %d (%s) not delivered, attempt %d: %s",
                    message.id,
                    message.purpose,
                    message.attempts,
                    failure.reason,
                )
                deferred += 1
            else:
                message.sent_at = services.clock()
                message.attempts += 1
                sent += 1
            await uow.commit()
    return DeliveryReport(sent, deferred)
