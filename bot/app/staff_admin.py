"""Admins' work in the workspace: staff accounts, and importing children, meetings and what
the annual report counts of children (care episodes, plans, allocations, challenges).

Only admins may do these (the command line, run on the server, may too). An admin cannot
deactivate or demote themselves, so a service always keeps one. Deactivating an account or
changing its role ends its web sessions; every change is audited. An import is checked in
full first (`preview`): nothing is written until the admin confirms the same file.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from bot.app import admin
from bot.app.admin import AdminError
from bot.app.ports import Services, UnitOfWork
from bot.app.staff_access import NotAllowed, StaffKey, staff_member
from storage import episode_imports, imports
from storage.import_rules import RowProblem
from storage.models import STAFF_ROLES, Staff

# An importer as the workspace calls it, with the use cases' unit of work.
Importer = Callable[
    [UnitOfWork, Iterable[tuple[int, dict[str, str]]], datetime], Awaitable[imports.ImportResult]
]
IMPORTERS: dict[str, tuple[tuple[str, ...], Importer]] = {
    "children": (imports.CHILD_COLUMNS, imports.import_children),
    "reviews": (imports.REVIEW_COLUMNS, imports.import_reviews),
    **{
        name: (kind.columns, partial(episode_imports.import_rows, kind))
        for name, kind in (
            ("care-episodes", episode_imports.CARE_EPISODES),
            ("plans", episode_imports.PLANS),
            ("allocations", episode_imports.ALLOCATIONS),
            ("challenges", episode_imports.CHALLENGES),
        )
    },
}


@dataclass(frozen=True)
class ImportCheck:
    """What importing a file does (or would do), or the problems that refuse it."""

    kind: str
    imported: bool
    problems: tuple[RowProblem, ...] = ()
    warnings: tuple[RowProblem, ...] = ()
    created: int = 0
    updated: int = 0
    unchanged: int = 0


async def _admin(uow: UnitOfWork, who: StaffKey) -> Staff:
    staff = await staff_member(uow, who)
    if staff.role != "admin":
        raise NotAllowed("admins only")
    return staff


@dataclass(frozen=True)
class StaffRow:
    id: int
    username: str
    name: str
    role: str
    telegram_linked: bool
    active: bool


async def _someone_else(uow: UnitOfWork, acting: Staff, username: str, refusal: str) -> Staff:
    """The staff member `username`, if not the admin acting (who would lock themselves out)."""
    staff = await admin.staff_by_username(uow, username)
    if staff.id == acting.id:
        raise AdminError(refusal)
    return staff


async def staff_list(services: Services, who: StaffKey) -> list[StaffRow]:
    async with services.uow() as uow:
        await _admin(uow, who)
        return [
            StaffRow(
                s.id,
                s.username,
                s.name,
                s.role,
                s.telegram_id is not None,
                s.deactivated_at is None,
            )
            for s in await uow.staff.list()
        ]


async def add_staff_member(
    services: Services, who: StaffKey, username: str, name: str, role: str
) -> None:
    username, name = username.strip(), name.strip()
    if not username or not name:
        raise AdminError("a username and a name are both needed")
    async with services.uow() as uow:
        acting = await _admin(uow, who)
        now = services.clock()
        await admin.add_staff(uow, username, name, role, None, now)
        uow.audit.record(now, f"staff:{acting.id}", "staff_added", None, username=username)
        await uow.commit()


async def change_role(services: Services, who: StaffKey, username: str, role: str) -> None:
    if role not in STAFF_ROLES:
        raise AdminError(f"role must be one of {', '.join(STAFF_ROLES)}")
    async with services.uow() as uow:
        acting = await _admin(uow, who)
        staff = await _someone_else(uow, acting, username, "you cannot change your own role")
        now = services.clock()
        staff.role = role
        await uow.web.end_sessions_of(staff.id, now)
        uow.audit.record(
            now, f"staff:{acting.id}", "staff_role_changed", None, username=username, role=role
        )
        await uow.commit()


async def deactivate(services: Services, who: StaffKey, username: str) -> None:
    async with services.uow() as uow:
        acting = await _admin(uow, who)
        staff = await _someone_else(uow, acting, username, "you cannot deactivate yourself")
        now = services.clock()
        if staff.deactivated_at is None:
            staff.deactivated_at = now
            await uow.web.end_sessions_of(staff.id, now)
            uow.audit.record(
                now, f"staff:{acting.id}", "staff_deactivated", None, username=username
            )
        await uow.commit()


async def check_import(
    services: Services, who: StaffKey, kind: str, text: str, *, confirm: bool
) -> ImportCheck:
    """Check an uploaded CSV line by line; with `confirm`, import it if nothing refuses it."""
    if kind not in IMPORTERS:
        raise AdminError(f"an import is of {' or '.join(IMPORTERS)}")
    columns, importer = IMPORTERS[kind]
    async with services.uow() as uow:
        acting = await _admin(uow, who)
        try:
            rows = list(imports.read_lines(text.splitlines(keepends=True), columns))
            result = await importer(uow, rows, services.today())
        except imports.ImportRejected as rejected:
            return ImportCheck(kind, False, tuple(rejected.problems))
        if confirm:
            uow.audit.record(
                services.clock(),
                f"staff:{acting.id}",
                "import_confirmed",
                None,
                kind=kind,
                created=result.created,
                updated=result.updated,
            )
            await uow.commit()
        # Without `confirm` the unit of work rolls back: a preview writes nothing.
        return ImportCheck(
            kind,
            confirm,
            (),
            tuple(result.warnings),
            result.created,
            result.updated,
            result.unchanged,
        )
