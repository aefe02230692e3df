"""Housekeeping prunes what is past its keeping period, in batches, and nothing else."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.app.housekeeping import prune_old_records
from bot.bootstrap import Services
from storage.models import InboundUpdate, Invitation, OutboxMessage, ProcessedUpdate
from tests.support import FIXED_NOW


async def _count(services: Services, model: type) -> int:
    async with services.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_old_rows_are_pruned_in_batches_and_recent_ones_kept(services: Services) -> None:
    now = FIXED_NOW
    old, recent = now - timedelta(days=40), now - timedelta(hours=12)
    async with services.uow() as uow:
        for n in range(7):
            uow.session.add(ProcessedUpdate(update_id=n, processed_at=old))
        uow.session.add(ProcessedUpdate(update_id=100, processed_at=recent))
        for n, handled in enumerate([old] * 3 + [recent, None]):
            uow.session.add(InboundUpdate(update_id=n, received_at=old, handled_at=handled))
        for n, (sent, created) in enumerate([(old, old)] * 5 + [(recent, recent), (None, old)]):
            message = uow.outbox.add(9000 + n, "reminder", "hello", created)
            message.sent_at = sent
        for n, (expires, used) in enumerate(
            [(old, None)] * 3 + [(old, old), (now + timedelta(days=3), None)]
        ):
            uow.invitations.add(
                Invitation(
                    code_hash=f"{n:064d}",
                    role="child",
                    created_at=old,
                    expires_at=expires,
                    used_at=used,
                )
            )
        await uow.commit()

    pruned = await prune_old_records(services, batch=2)

    assert (
        pruned.processed_updates,
        pruned.received_updates,
        pruned.sent_messages,
        pruned.expired_invitations,
    ) == (7, 3, 5, 3)
    assert await _count(services, ProcessedUpdate) == 1  # the recent one
    assert await _count(services, InboundUpdate) == 2  # handled recently, and still waiting
    assert await _count(services, OutboxMessage) == 2  # sent recently, and never sent
    assert await _count(services, Invitation) == 2  # used, and not yet expired
    again = await prune_old_records(services, batch=2)
    assert again.total == 0
