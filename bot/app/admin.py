"""Operator actions on people and meetings: add staff, children, reviews and invitations."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.app.ports import UnitOfWork
from bot.app.web_chat import WEB_ROLE, close_for_new_invitation
from conversations.review_kinds import REVIEW_KINDS
from storage import codes
from storage.models import (
    PARTICIPANT_ROLES,
    STAFF_ROLES,
    Child,
    Invitation,
    Review,
    Staff,
)
from storage.repositories import hash_code


class AdminError(Exception):
    """An operator asked for something that cannot be done; the message says why."""


@dataclass(frozen=True)
class IssuedInvitation:
    """A new invitation's code (given out only here), what it makes its user, and its end."""

    code: str
    role: str
    expires_at: datetime


def new_invitation_code() -> str:
    """32 URL-safe characters (192 random bits): fits a Telegram deep-link payload."""
    return secrets.token_urlsafe(24)


async def add_staff(
    uow: UnitOfWork, username: str, name: str, role: str, telegram_id: int | None, now: datetime
) -> Staff:
    if role not in STAFF_ROLES:
        raise AdminError(f"role must be one of {', '.join(STAFF_ROLES)}")
    if await uow.staff.by_username(username) is not None:
        raise AdminError(f"staff username {username!r} already exists")
    if telegram_id is not None and await uow.staff.by_telegram_id(telegram_id) is not None:
        raise AdminError(f"Telegram id {telegram_id} is already linked to another staff member")
    return uow.staff.add(
        Staff(username=username, name=name, role=role, telegram_id=telegram_id, created_at=now)
    )


async def staff_by_username(uow: UnitOfWork, username: str) -> Staff:
    staff = await uow.staff.by_username(username)
    if staff is None:
        raise AdminError(f"no staff member with username {username!r} (see `mysay staff list`)")
    return staff


async def child_by_case_ref(uow: UnitOfWork, case_ref: str) -> Child:
    child = await uow.children.by_case_ref(case_ref)
    if child is None:
        raise AdminError(f"no child with case reference {case_ref!r}")
    return child


async def add_child(
    uow: UnitOfWork,
    case_ref: str,
    now: datetime,
    *,
    birth_date: date | None = None,
    gender: str | None = None,
    ethnicity: str | None = None,
    legal_status: str | None = None,
    iro_username: str | None = None,
) -> Child:
    if await uow.children.by_case_ref(case_ref) is not None:
        raise AdminError(f"case reference {case_ref!r} already exists")
    iro = await staff_by_username(uow, iro_username) if iro_username else None
    return uow.children.add(
        Child(
            case_ref=case_ref,
            birth_date=birth_date,
            gender=_coded("gender", codes.gender, gender),
            ethnicity=_coded("ethnicity", codes.ethnicity, ethnicity),
            legal_status=_coded("legal status", codes.legal_status, legal_status),
            iro_id=iro.id if iro else None,
            created_at=now,
        )
    )


def _coded(name: str, read: Callable[[str], str], value: str | None) -> str | None:
    """A DfE code for `value` (None if blank); AdminError naming the field if there is none."""
    if value is None or not value.strip():
        return None
    try:
        return read(value)
    except ValueError as exc:
        raise AdminError(f"{name} {value!r} {exc}") from None


async def add_review(
    uow: UnitOfWork, case_ref: str, kind: str, due: date, held: date | None, now: datetime
) -> Review:
    if kind not in REVIEW_KINDS:
        raise AdminError(f"kind must be one of {', '.join(REVIEW_KINDS)}")
    child = await child_by_case_ref(uow, case_ref)
    if await uow.reviews.find(child.id, kind, due) is not None:
        raise AdminError(f"{case_ref} already has a {kind} due on {due.isoformat()}")
    return uow.reviews.add(
        Review(
            child_id=child.id,
            kind=kind,
            due_date=due,
            held_on=held,
            chair_id=child.iro_id,
            created_at=now,
        )
    )


# The invitation role of a staff link that may move the identity from another account.
STAFF_MOVE = "staff_move"


async def invite_participant(
    uow: UnitOfWork, now: datetime, days: int, case_ref: str, role: str
) -> IssuedInvitation:
    """Create a one-time invitation for a child, parent or carer of the child `case_ref`.

    A child's new invitation ends their web chat's binding to a browser (see
    `bot.app.web_chat`).
    """
    if role not in PARTICIPANT_ROLES or role == "staff":
        raise AdminError("role must be child, parent or carer")
    child_id = (await child_by_case_ref(uow, case_ref)).id
    if role == WEB_ROLE:
        # A new link for the child is a reissue: the browser that had it loses it.
        await close_for_new_invitation(uow, child_id, now)
    return _issue(uow, Invitation(role=role, child_id=child_id), now, days)


async def invite_staff(
    uow: UnitOfWork, now: datetime, days: int, username: str, *, move: bool = False
) -> IssuedInvitation:
    """Create a one-time invitation for a staff member.

    A staff member already linked to a Telegram account can only be linked to another one
    by a move invitation (`move=True`), which an admin makes on purpose: an ordinary staff
    link cannot take the identity over.
    """
    staff_id = (await staff_by_username(uow, username)).id
    role = STAFF_MOVE if move else "staff"
    return _issue(uow, Invitation(role=role, staff_id=staff_id), now, days)


def _issue(uow: UnitOfWork, invitation: Invitation, now: datetime, days: int) -> IssuedInvitation:
    """Store `invitation`, valid for `days`, under a new code's hash: the code itself is
    handed out once here and never stored."""
    code = new_invitation_code()
    invitation.code_hash = hash_code(code)
    invitation.created_at = now
    invitation.expires_at = now + timedelta(days=days)
    uow.invitations.add(invitation)
    return IssuedInvitation(code, invitation.role, invitation.expires_at)
