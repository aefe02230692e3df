"""Who a staff member is, and which children's records they may open.

An IRO sees the children allocated to them; managers and admins see every child. A refusal
says nothing about whether the record exists, so nothing is disclosed by asking.
"""

from __future__ import annotations

from bot.app.ports import UnitOfWork
from storage.models import Child, Staff


class NotAllowed(Exception):
    """This person may not do that (or it does not exist; we do not say which)."""


class NotStaff(NotAllowed):
    """The account is not linked to a staff member at all."""


async def staff_member(uow: UnitOfWork, telegram_id: int) -> Staff:
    staff = await uow.staff.by_telegram_id(telegram_id)
    if staff is None:
        raise NotStaff("not staff")
    return staff


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
