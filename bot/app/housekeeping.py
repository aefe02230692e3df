"""Housekeeping: prune what My Say keeps only for a while, on a schedule, in small batches.

Handled update ids, and the ids left of updates received by webhook once handled, are needed
only while Telegram might resend an update (a day); delivered outbox messages and unused
invitations past their expiry are of no further use. How long each is kept is a setting
(`MYSAY_KEEP_*_DAYS`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.app.ports import Services, UnitOfWork

if TYPE_CHECKING:
    from bot.settings import Settings

logger = logging.getLogger(__name__)

BATCH = 1000
# Deletes a batch (at most the number given) of rows older than the moment given, and says
# how many it deleted.
DeleteBatch = Callable[[datetime, int], Awaitable[int]]


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


def _kept_for_a_while(uow: UnitOfWork, kept: Settings) -> dict[str, tuple[DeleteBatch, int]]:
    """Each `Pruned` field: how a batch of its rows is deleted in this transaction, and how
    many days they are kept."""
    rows = uow.housekeeping
    return {
        "processed_updates": (rows.prune_processed_updates, kept.keep_processed_updates_days),
        # The ids left of updates received by webhook guard against a resend as handled
        # update ids do, so they are kept as long.
        "received_updates": (rows.prune_received_updates, kept.keep_processed_updates_days),
        "sent_messages": (rows.prune_sent_messages, kept.keep_sent_messages_days),
        "expired_invitations": (
            rows.prune_expired_invitations,
            kept.keep_expired_invitations_days,
        ),
    }


async def prune_old_records(services: Services, batch: int = BATCH) -> Pruned:
    """Delete what is past its keeping period, a batch per transaction."""
    now = services.clock()

    async def prune(kind: str) -> int:
        def one_batch(uow: UnitOfWork) -> Awaitable[int]:
            delete, days = _kept_for_a_while(uow, services.settings)[kind]
            return delete(now - timedelta(days=days), batch)

        return await delete_in_batches(services, one_batch, batch)

    pruned = Pruned(**{field.name: await prune(field.name) for field in fields(Pruned)})
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
        await services.lanes.give_way()  # background work: inputs in flight go first
        async with services.uow() as uow:
            deleted = await delete_batch(uow)
            await uow.commit()
        total += deleted
        if deleted and after_batch is not None:
            after_batch(deleted, total)
        if deleted < batch:
            return total
