"""Redeeming a one-time invitation: linking a Telegram account to a child or a staff member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.bootstrap import Services
from storage.models import Participant

# Guessing codes is pointless (192 random bits), but a flood of bad codes is still refused.
MAX_BAD_CODES = 5
BAD_CODE_WINDOW = timedelta(minutes=15)


class JoinResult(StrEnum):
    joined = "joined"
    already_joined = "already_joined"
    unknown = "unknown"
    expired = "expired"
    used = "used"
    too_many_tries = "too_many_tries"
    duplicate = "duplicate"


@dataclass(frozen=True)
class Joined:
    result: JoinResult
    role: str | None = None


def actor_for(telegram_id: int) -> str:
    return f"telegram:{telegram_id}"


async def redeem(services: Services, telegram_id: int, code: str, update_id: int) -> Joined:
    """Use an invitation code; a failed attempt changes nothing but the attempt count.

    The same /start resent by Telegram is recognised by its update id and changes nothing;
    a code this same account already used is "already joined", not a bad guess.
    """
    now = services.clock()
    actor = actor_for(telegram_id)
    async with services.uow() as uow:
        if not await uow.updates.first_time(update_id, now):
            return Joined(JoinResult.duplicate)
        recent = await uow.audit.count_since("invitation_refused", actor, now - BAD_CODE_WINDOW)
        if recent >= MAX_BAD_CODES:
            await uow.commit()
            return Joined(JoinResult.too_many_tries)
        invitation = await uow.invitations.by_code(code)
        refusal = None
        if invitation is None:
            refusal = JoinResult.unknown
        elif invitation.used_at is not None:
            user = (
                await uow.participants.get(invitation.used_by_id)
                if invitation.used_by_id
                else None
            )
            if user is not None and user.telegram_id == telegram_id:
                await uow.commit()
                return Joined(JoinResult.already_joined, invitation.role)
            refusal = JoinResult.used
        elif invitation.expires_at <= now:
            refusal = JoinResult.expired
        if refusal is not None or invitation is None:
            uow.audit.record(now, actor, "invitation_refused", reason=str(refusal))
            await uow.commit()
            return Joined(refusal or JoinResult.unknown)
        existing = await uow.participants.find_link(
            telegram_id, invitation.role, invitation.child_id, invitation.staff_id
        )
        if not await uow.invitations.claim(invitation, now):
            return Joined(JoinResult.used)
        if existing is None:
            existing = uow.participants.add(
                Participant(
                    telegram_id=telegram_id,
                    role=invitation.role,
                    child_id=invitation.child_id,
                    staff_id=invitation.staff_id,
                    created_at=now,
                )
            )
            await uow.flush()
            result = JoinResult.joined
        else:
            result = JoinResult.already_joined
        invitation.used_by_id = existing.id
        if invitation.staff_id is not None:
            staff = await uow.staff.get(invitation.staff_id)
            if staff is not None:
                staff.telegram_id = telegram_id
        uow.audit.record(
            now, actor, "invitation_redeemed", invitation.child_id, role=invitation.role
        )
        await uow.commit()
        return Joined(result, invitation.role)
