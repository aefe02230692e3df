"""Delivering the outbox: stored messages sent until Telegram accepts them.

Messages to a web chat are delivered by being stored: the chat shows them.

Delivery is at least once: a message is marked sent only after Telegram accepted it, so a
crash in between sends it again rather than never. A lease stops two workers sending it
at the same moment; a page of messages is leased in one transaction.

Safeguarding alerts go first and never wait. Everything else is background work: before
each message the sweep gives way to people's inputs in flight (`bot.app.lanes`), so a
sweep of hundreds of reminders never holds a child's reply up behind it.
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
# A page's sending stops this long before its lease lapses.
LEASE_MARGIN = timedelta(seconds=10)
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
# Safeguarding alerts: sent before anything else, and never made to give way.
URGENT_PURPOSES = ("flag_alert", "flag_escalation")


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
    """Send every message that is due, alerts first; failures are rescheduled, never dropped.

    Between messages other than alerts it gives way to the inputs in flight."""
    return await _deliver(services, send, limit, only=None)


async def deliver_alerts(services: Services, send: Send, limit: int = 50) -> DeliveryReport:
    """Send the safeguarding alerts that are due, now, and nothing else."""
    return await _deliver(services, send, limit, only=URGENT_PURPOSES)


@dataclass(frozen=True)
class _Leased:
    """A message leased for sending, as read in the lease's transaction."""

    id: int
    attempts: int
    outgoing: Outgoing


async def _deliver(
    services: Services, send: Send, limit: int, only: tuple[str, ...] | None
) -> DeliveryReport:
    now = services.clock()
    sent = deferred = 0
    to_send: list[_Leased] = []
    async with services.uow() as uow:
        leased = await uow.outbox.lease_due(
            now, now + LEASE, limit, first=URGENT_PURPOSES, only=only
        )
        for row in leased:
            if is_web_chat(row.chat_id):
                # A web chat shows its messages from the outbox when the child next opens
                # it: stored is delivered, and no channel is woken at night.
                row.sent_at = now
                sent += 1
            elif row.purpose in QUIET_PURPOSES and in_quiet_hours(local_time(services)):
                # A reminder queued before 21:00 and retried late still waits for morning.
                row.next_attempt_at = next_morning(services)
                deferred += 1
            else:
                text = uow.outbox.text(row)
                outgoing = Outgoing(row.chat_id, text, row.purpose, row.flag_id)
                to_send.append(_Leased(row.id, row.attempts, outgoing))
        await uow.commit()
    for message in to_send:
        if message.outgoing.purpose not in URGENT_PURPOSES:
            await services.lanes.give_way()
        if services.clock() > now + LEASE - LEASE_MARGIN:
            # Giving way took so long the lease may lapse mid-send and another worker take
            # the rest: leave them to the sweep after it lapses.
            break
        if await _send_one(services, send, message):
            sent += 1
        else:
            deferred += 1
    return DeliveryReport(sent, deferred)


async def _send_one(services: Services, send: Send, message: _Leased) -> bool:
    """Send one leased message and record how it went; True if the channel took it."""
    attempts, outgoing = message.attempts + 1, message.outgoing
    try:
        await send(outgoing)
    except DeliveryFailed as failure:
        wait = (
            timedelta(seconds=failure.retry_after)
            if failure.retry_after is not None
            else backoff(attempts)
        )
        logger.warning(
            "outbox message %d (%s) not delivered, attempt %d: %s",
            message.id,
            outgoing.purpose,
            attempts,
            failure.reason,
        )
        async with services.uow() as uow:
            await uow.outbox.not_delivered(message.id, services.clock() + wait, failure.reason)
            await uow.commit()
        return False
    async with services.uow() as uow:
        await uow.outbox.delivered(message.id, services.clock())
        await uow.commit()
    return True
