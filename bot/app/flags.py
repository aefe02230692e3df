"""Staff acting on safeguarding flags: list, read (audited), acknowledge, close with a note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.app.ports import Services, UnitOfWork
from bot.app.safeguarding import Concern, flag_concern
from bot.app.staff_access import (
    NotAllowed,
    StaffKey,
    may_see,
    sees_every_child,
    sees_words,
    staff_member,
    visible_child_ids,
)
from storage.models import Flag, Staff


@dataclass(frozen=True)
class FlagLine:
    """A safeguarding flag as staff see it in a list: never the child's words."""

    flag_id: int
    case_ref: str
    concern: Concern
    status: str
    created_at: datetime
    respond_by: datetime | None


@dataclass(frozen=True)
class FlagWords:
    """A flag with the words that raised it, for staff allowed to read them."""

    line: FlagLine
    text: str


async def flag_line(uow: UnitOfWork, flag: Flag) -> FlagLine:
    """The flag's line for staff: whose it is, how serious, and why; never the words."""
    child = await uow.children.get(flag.child_id) if flag.child_id else None
    return FlagLine(
        flag.id,
        child.case_ref if child else "unknown",
        flag_concern(flag),
        flag.status,
        flag.created_at,
        flag.respond_by,
    )


def _audit(uow: UnitOfWork, at: datetime, staff: Staff, flag: Flag, action: str) -> None:
    uow.audit.record(at, f"staff:{staff.id}", action, flag.child_id, flag_id=flag.id)


async def _visible_flag(uow: UnitOfWork, staff: Staff, flag_id: int) -> Flag:
    flag = await uow.flags.get(flag_id)
    if flag is None:
        raise NotAllowed("no such flag")
    if sees_every_child(staff):
        return flag
    child = await uow.children.get(flag.child_id) if flag.child_id else None
    if child is None or not may_see(staff, child):
        raise NotAllowed("not your case")
    return flag


async def open_flags(services: Services, who: StaffKey | None) -> list[FlagLine]:
    """Flags not yet closed that this staff member may see (all of them for the CLI: None)."""
    async with services.uow() as uow:
        child_ids = None
        if who is not None:
            child_ids = await visible_child_ids(uow, await staff_member(uow, who))
        return [await flag_line(uow, flag) for flag in await uow.flags.unresolved(child_ids)]


async def read_flag(services: Services, who: StaffKey, flag_id: int) -> FlagWords:
    """The words behind a flag; every read is written to the audit log."""
    async with services.uow() as uow:
        staff = await staff_member(uow, who)
        if not sees_words(staff):
            raise NotAllowed("admins read no child's words")
        flag = await _visible_flag(uow, staff, flag_id)
        _audit(uow, services.clock(), staff, flag, "flag_words_read")
        await uow.commit()
        return FlagWords(await flag_line(uow, flag), uow.flags.text(flag))


async def acknowledge(services: Services, who: StaffKey, flag_id: int) -> FlagLine:
    async with services.uow() as uow:
        staff = await staff_member(uow, who)
        flag = await _visible_flag(uow, staff, flag_id)
        if flag.status == "open":
            flag.status = "acknowledged"
            flag.acknowledged_at = services.clock()
            flag.acknowledged_by_id = staff.id
            _audit(uow, services.clock(), staff, flag, "flag_acknowledged")
        await uow.commit()
        return await flag_line(uow, flag)


async def close(services: Services, who: StaffKey, flag_id: int, note: str) -> FlagLine:
    """Close a flag with a note of what was done (the note is encrypted like all free text)."""
    async with services.uow() as uow:
        staff = await staff_member(uow, who)
        flag = await _visible_flag(uow, staff, flag_id)
        now = services.clock()
        if flag.acknowledged_at is None:
            flag.acknowledged_at, flag.acknowledged_by_id = now, staff.id
        flag.status, flag.closed_at, flag.closed_by_id = "closed", now, staff.id
        uow.flags.set_close_note(flag, note)
        _audit(uow, now, staff, flag, "flag_closed")
        await uow.commit()
        return await flag_line(uow, flag)
