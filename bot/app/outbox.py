"""Delivering the outbox: stored messages sent until Telegram accepts them.

Messages to a web chat are delivered by being stored: the chat shows them.

Delivery is at least once: a message is marked sent only after Telegram accepted it, so a
crash in between sends it again rather than never. A lease stops two workers sending it
at the same moment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from bot.app.ports import DeliveryFailed, Outgoing, Send, Services
from bot.app.reminders import QUIET_UNTIL, in_quiet_hours
from bot.app.web_chat import is_web_chat

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
# Nudges wait for the morning; safeguarding alerts and replies never wait.
QUIET_PURPOSES = (
    "reminder",
    "digest",
    "request_alert",
    "request_escalation",
    "request_seen",
    "request_done",
)
MAX_BACKOFF = timedelta(minutes=5)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    deferred: int


def local_time(services: Services) -> time:
    return services.today().time()


def next_morning(services: Services) -> datetime:
    """The end of the current quiet hours, in UTC."""
    local = services.today()
    morning = local.replace(
        hour=QUIET_UNTIL.hour, minute=QUIET_UNTIL.minute, second=0, microsecond=0
    )
    if morning <= local:
        morning += timedelta(days=1)
    return morning.astimezone(UTC)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=2 ** min(attempts, 10)), MAX_BACKOFF)


async def deliver_due(services: Services, send: Send, limit: int = 50) -> DeliveryReport:
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
            if is_web_chat(message.chat_id):
                # A web chat shows its messages from the outbox when the child next opens
                # it: stored is delivered, and no channel is woken at night.
                message.sent_at = now
                await uow.commit()
                sent += 1
                continue
            if message.purpose in QUIET_PURPOSES and in_quiet_hours(local_time(services)):
                # A reminder queued before 21:00 and retried late still waits for morning.
                message.next_attempt_at = next_morning(services)
                await uow.commit()
                deferred += 1
                continue
            await uow.commit()
            text = uow.outbox.text(message)
            try:
                await send(Outgoing(message.chat_id, text, message.purpose, message.flag_id))
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
