"""A staff member's caseload: each child's next meeting, how far they and their family have
got, and what is open about them; and how the children are shared between IROs.

Every child listed is one the asker may see (`staff_access`); nothing here reads a child's
words, so nothing here is audited.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from bot.app.iro_tools import PeopleStatus, people_status
from bot.app.ports import Services
from bot.app.staff_access import (
    NotAllowed,
    StaffKey,
    child_for,
    sees_every_child,
    staff_member,
    visible_child_ids,
)
from storage.models import Review


def is_overdue(review: Review, today: date) -> bool:
    """Whether a meeting is overdue: due before today, and no outcome says it was held."""
    return review.held_on is None and review.due_date < today


@dataclass(frozen=True)
class CaseLine:
    """One child on a caseload."""

    case_ref: str
    iro_username: str | None
    next_kind: str | None
    next_due: date | None
    # The meeting shown was due before today and is not recorded as held.
    overdue: bool
    child: PeopleStatus | None
    family: PeopleStatus | None
    seen_before: bool | None
    open_flags: int
    open_requests: int


@dataclass(frozen=True)
class IroCaseload:
    """How many children one IRO has, and how many of them have something open."""

    username: str | None
    name: str
    active: bool
    children: int
    with_open_flags: int
    with_open_requests: int


async def caseload(services: Services, who: StaffKey) -> list[CaseLine]:
    """The children this person may see (their own, for an IRO), by case reference, each
    with their earliest meeting not held: an overdue one before any booked after it."""
    today = services.today().date()
    async with services.uow() as uow:
        staff = await staff_member(uow, who)
        visible = await visible_child_ids(uow, staff)
        children = await uow.children.listed(visible)
        child_ids = [child.id for child in children]
        nexts: dict[int, Review] = {}
        for child in children:
            review = await uow.reviews.earliest_not_held(child.id)
            if review is not None:
                nexts[child.id] = review
        status = await people_status(uow, child_ids, [r.id for r in nexts.values()])
        flags = Counter(f.child_id for f in await uow.flags.unresolved(visible))
        asked = Counter(r.child_id for r in await uow.requests.open_for(visible))
        usernames = {s.id: s.username for s in await uow.staff.list()}
        lines = []
        for child in children:
            review = nexts.get(child.id)
            lines.append(
                CaseLine(
                    child.case_ref,
                    usernames.get(child.iro_id) if child.iro_id else None,
                    review.kind if review else None,
                    review.due_date if review else None,
                    review is not None and is_overdue(review, today),
                    status.of(child.id, review.id, ("child",)) if review else None,
                    status.of(child.id, review.id, ("parent", "carer")) if review else None,
                    review.seen_before if review else None,
                    flags[child.id],
                    asked[child.id],
                )
            )
        return lines


async def caseloads_per_iro(services: Services, who: StaffKey) -> list[IroCaseload]:
    """Each IRO's number of children, and of those with an open flag or request.

    For those who see every child (managers and admins): an IRO may not see colleagues'.
    """
    async with services.uow() as uow:
        staff = await staff_member(uow, who)
        if not sees_every_child(staff):
            raise NotAllowed("managers only")
        iro_of = {child.id: child.iro_id for child in await uow.children.listed(None)}
        flagged = {f.child_id for f in await uow.flags.unresolved(None) if f.child_id}
        asked = {r.child_id for r in await uow.requests.open_for(None)}
        counts = await uow.children.count_by_iro()

        def row(iro_id: int | None, username: str | None, name: str, active: bool) -> IroCaseload:
            theirs = {child for child, iro in iro_of.items() if iro == iro_id}
            return IroCaseload(
                username,
                name,
                active,
                counts.get(iro_id, 0),
                len(theirs & flagged),
                len(theirs & asked),
            )

        rows = [
            row(s.id, s.username, s.name, s.deactivated_at is None)
            for s in await uow.staff.list()
            if s.role == "iro" or counts.get(s.id)
        ]
        if counts.get(None):
            rows.append(row(None, None, "Not allocated", True))
        return rows


@dataclass(frozen=True)
class MeetingLine:
    """One of a child's meetings and the outcome recorded for it (no words)."""

    review_id: int
    kind: str
    due_date: date
    held_on: date | None
    participation: str | None
    seen_before: bool | None


async def child_history(services: Services, who: StaffKey, case_ref: str) -> list[MeetingLine]:
    """A child's meetings, latest first, for someone who may see the child."""
    async with services.uow() as uow:
        child = await child_for(uow, await staff_member(uow, who), case_ref)
        reviews = await uow.child_records.reviews(child.id)
        return sorted(
            (
                MeetingLine(r.id, r.kind, r.due_date, r.held_on, r.participation, r.seen_before)
                for r in reviews
            ),
            key=lambda line: line.due_date,
            reverse=True,
        )


async def open_case(services: Services, who: StaffKey, case_ref: str) -> str:
    """The case reference as stored, if this person may see the child (else `NotAllowed`)."""
    async with services.uow() as uow:
        return (await child_for(uow, await staff_member(uow, who), case_ref)).case_ref
