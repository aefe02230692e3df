"""Housekeeping: prune what My Say keeps only for a while, on a schedule, in small batches.

Handled update ids, and the ids left of updates received by webhook once handled, are needed
only while Telegram might resend an update (a day); delivered outbox messages and unused
invitations past their expiry are of no further use. How long each is kept is a setting
(`MYSAY_KEEP_*_DAYS`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.app.ports import Services, UnitOfWork

logger = logging.getLogger(__name__)

BATCH = 1000
# Deletes one batch of rows older than the moment given, and says how many it deleted.
Pruning = Callable[[UnitOfWork, datetime], Awaitable[int]]


@dataclass(frozen=True)
class Pruned:
    """How many rows of each kind one housekeeping run deleted."""

    processed_updates: int
    received_updates: int
    sent_messages: int
    expired_invitations: int

    @property
    def total(self) -> int:
        """All rows deleted."""
        return (
            self.processed_updates
            + self.received_updates
            + self.sent_messages
            + self.expired_invitations
        )


async def prune_old_records(services: Services, batch: int = BATCH) -> Pruned:
    """Delete what is past its keeping period, a batch per transaction."""
    now = services.clock()
    keeping = services.settings
    # Each `Pruned` field: how a batch of its rows is deleted, and how many days they are kept.
    prunings: dict[str, tuple[Pruning, int]] = {
        "processed_updates": (
            lambda uow, before: uow.housekeeping.prune_processed_updates(before, batch),
            keeping.keep_processed_updates_days,
        ),
        "received_updates": (
            lambda uow, before: uow.housekeeping.prune_received_updates(before, batch),
            keeping.keep_processed_updates_days,
        ),
        "sent_messages": (
            lambda uow, before: uow.housekeeping.prune_sent_messages(before, batch),
            keeping.keep_sent_messages_days,
        ),
        "expired_invitations": (
            lambda uow, before: uow.housekeeping.prune_expired_invitations(before, batch),
            keeping.keep_expired_invitations_days,
        ),
    }
    deleted = {}
    for field, (prune, days) in prunings.items():
        before = now - timedelta(days=days)

        def older(
            uow: UnitOfWork, prune: Pruning = prune, before: datetime = before
        ) -> Awaitable[int]:
            return prune(uow, before)

        deleted[field] = await delete_in_batches(services, older, batch)
    pruned = Pruned(**deleted)
    if pruned.total:
        logger.info(
            "housekeeping deleted %d update ids, %d sent messages, %d expired invitations",
            pruned.processed_updates + pruned.received_updates,
            pruned.sent_messages,
            pruned.expired_invitations,
        )
    return pruned


async def delete_in_batches(
    services: Services,
    delete_batch: Callable[[UnitOfWork], Awaitable[int]],
    batch: int,
    after_batch: Callable[[int, int], None] | None = None,
) -> int:
    """Run a deletion a batch per transaction until a batch comes back short; return the
    total. `after_batch(deleted, total)` hears of each batch that deleted something."""
    total = 0
    while True:
        async with services.uow() as uow:
            deleted = await delete_batch(uow)
            await uow.commit()
        total += deleted
        if deleted and after_batch is not None:
            after_batch(deleted, total)
        if deleted < batch:
            return total
        await asyncio.sleep(0)  # let updates in between batches
