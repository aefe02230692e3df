"""Redeeming a one-time invitation: linking a Telegram account to a child or a staff member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.app.admin import STAFF_MOVE
from bot.app.ports import Services, UnitOfWork, UpdateKey
from bot.app.texts import message
from conversations.catalogue import DEFAULT_LOCALE
from storage.models import Participant

# Guessing codes is pointless (192 random bits), but a flood of bad codes is still refused.
MAX_BAD_CODES = 5
BAD_CODE_WINDOW = timedelta(minutes=15)


def telegram_link(bot_username: str, code: str) -> str:
    """The 'Open in Telegram' link of an invitation: a deep link carrying it to /start."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


class JoinResult(StrEnum):
    joined = "joined"
    already_joined = "already_joined"
    unknown = "unknown"
    expired = "expired"
    used = "used"
    too_many_tries = "too_many_tries"
    duplicate = "duplicate"
    family_account = "family_account"
    staff_elsewhere = "staff_elsewhere"


@dataclass(frozen=True)
class Joined:
    result: JoinResult
    role: str | None = None


def actor_for(telegram_id: int) -> str:
    return f"telegram:{telegram_id}"


async def redeem(
    services: Services,
    telegram_id: int,
    code: str,
    update: UpdateKey,
    locale: str = DEFAULT_LOCALE,
) -> Joined:
    """Use an invitation code; a failed attempt changes nothing but the attempt count.

    A new link starts in `locale` (the language the person's device suggests), which they
    can change at once or later with /language.

    The same /start resent by Telegram is recognised by its update key and changes nothing;
    a code this same account already used is "already joined", not a bad guess.
    """
    now = services.clock()
    actor = actor_for(telegram_id)
    async with services.uow() as uow:
        if not await uow.updates.first_time(update, now):
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
        role = "staff" if invitation.role == STAFF_MOVE else invitation.role
        if invitation.staff_id is not None:
            refused = await _staff_link_refusal(
                uow, telegram_id, invitation.staff_id, invitation.role
            )
            if refused is not None:
                uow.audit.record(now, actor, "staff_link_refused", reason=str(refused))
                await uow.commit()
                return Joined(refused)
        existing = await uow.participants.find_link(
            telegram_id, role, invitation.child_id, invitation.staff_id
        )
        if not await uow.invitations.claim(invitation, now):
            return Joined(JoinResult.used)
        if existing is None:
            existing = uow.participants.add(
                Participant(
                    telegram_id=telegram_id,
                    role=role,
                    child_id=invitation.child_id,
                    staff_id=invitation.staff_id,
                    locale=locale,
                    created_at=now,
                )
            )
            await uow.flush()
            result = JoinResult.joined
        else:
            result = JoinResult.already_joined
        invitation.used_by_id = existing.id
        if invitation.staff_id is not None:
            await _move_staff_to(uow, invitation.staff_id, telegram_id, now)
        uow.audit.record(
            now, actor, "invitation_redeemed", invitation.child_id, role=invitation.role
        )
        await uow.commit()
        return Joined(result, role)


async def _staff_link_refusal(
    uow: UnitOfWork, telegram_id: int, staff_id: int, invitation_role: str
) -> JoinResult | None:
    """Why this account may not take this staff identity, or None if it may.

    An account linked to a child or family never becomes staff (a child must not be able
    to read other children's views). A staff member already on another account moves only
    with a move invitation, which an admin makes on purpose.
    """
    links = await uow.participants.for_telegram_id(telegram_id)
    if any(link.child_id is not None for link in links):
        return JoinResult.family_account
    staff = await uow.staff.get(staff_id)
    elsewhere = staff is not None and staff.telegram_id not in (None, telegram_id)
    if elsewhere and invitation_role != STAFF_MOVE:
        return JoinResult.staff_elsewhere
    return None


async def _move_staff_to(uow: UnitOfWork, staff_id: int, telegram_id: int, now: datetime) -> None:
    """Link the staff identity to this account; unlink the account it leaves, and tell it."""
    staff = await uow.staff.get(staff_id)
    if staff is None:
        return
    previous = staff.telegram_id
    staff.telegram_id = telegram_id
    if previous is None or previous == telegram_id:
        return
    for link in await uow.participants.for_telegram_id(previous):
        if link.staff_id == staff_id:
            link.staff_id = None  # kept for the audit trail, but linked to nobody now
    # Told, so that a takeover of a staff identity cannot go unnoticed.
    uow.outbox.add(previous, "staff_moved", message("joining.staff_moved"), now)
    uow.audit.record(now, f"staff:{staff_id}", "staff_account_moved")
