"""Who a staff member is, and which children's records they may open.

An IRO sees the children allocated to them; managers and admins see every child. A refusal
says nothing about whether the record exists, so nothing is disclosed by asking. Staff are
known by their Telegram account in the bot and by their signed-in session on the web
(`SignedIn`); a deactivated account is no longer staff anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.app.ports import UnitOfWork
from storage.models import Child, Staff


@dataclass(frozen=True)
class SignedIn:
    """A staff member signed in to the web workspace, known by their staff id."""

    staff_id: int


# Who is asking: a Telegram user id (the bot), or a signed-in web session's staff member.
StaffKey = int | SignedIn


class NotAllowed(Exception):
    """This person may not do that (or it does not exist; we do not say which)."""


class NotStaff(NotAllowed):
    """The account is not linked to a staff member at all."""


async def staff_member(uow: UnitOfWork, who: StaffKey) -> Staff:
    """The active staff member asking, or `NotStaff`."""
    if isinstance(who, SignedIn):
        staff = await uow.staff.get(who.staff_id)
    else:
        staff = await uow.staff.by_telegram_id(who)
    if staff is None or staff.deactivated_at is not None:
        raise NotStaff("not staff")
    return staff


def sees_words(staff: Staff) -> bool:
    """IROs and managers may read children's words; admins run the service and may not."""
    return staff.role in ("iro", "manager")


def sees_every_child(staff: Staff) -> bool:
    return staff.role in ("manager", "admin")


async def visible_child_ids(uow: UnitOfWork, staff: Staff) -> list[int] | None:
    """Ids of the children this person may see; None means all of them."""
    if sees_every_child(staff):
        return None
    return [child.id for child in await uow.children.allocated_to(staff.id)]


def may_see(staff: Staff, child: Child) -> bool:
    """An IRO sees the children allocated to them; managers and admins see every child."""
    return sees_every_child(staff) or child.iro_id == staff.id


async def child_for(uow: UnitOfWork, staff: Staff, case_ref: str) -> Child:
    child = await uow.children.by_case_ref(case_ref)
    if child is None or not may_see(staff, child):
        raise NotAllowed("not your case")
    return child


async def staff_and_child(uow: UnitOfWork, who: StaffKey, case_ref: str) -> tuple[Staff, Child]:
    """The active staff member asking and the child they ask about, or `NotAllowed`."""
    staff = await staff_member(uow, who)
    return staff, await child_for(uow, staff, case_ref)
