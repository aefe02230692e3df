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
    settings = services.settings

    def days_ago(days: int) -> datetime:
        return now - timedelta(days=days)

    pruned = Pruned(
        processed_updates=await delete_in_batches(
            services,
            lambda uow: uow.housekeeping.prune_processed_updates(
                days_ago(settings.keep_processed_updates_days), batch
            ),
            batch,
        ),
        received_updates=await delete_in_batches(
            services,
            lambda uow: uow.housekeeping.prune_received_updates(
                days_ago(settings.keep_processed_updates_days), batch
            ),
            batch,
        ),
        sent_messages=await delete_in_batches(
            services,
            lambda uow: uow.housekeeping.prune_sent_messages(
                days_ago(settings.keep_sent_messages_days), batch
            ),
            batch,
        ),
        expired_invitations=await delete_in_batches(
            services,
            lambda uow: uow.housekeeping.prune_expired_invitations(
                days_ago(settings.keep_expired_invitations_days), batch
            ),
            batch,
        ),
    )
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
