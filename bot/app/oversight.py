"""What managers oversee: flags and requests past their deadlines, reads in the audit log,
and the participation report. For those who see every child (managers and admins); of
those, only managers read the report's quotes and the audit of children's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.app.caseload import is_overdue
from bot.app.flags import FlagLine, flag_line
from bot.app.ports import Services, UnitOfWork
from bot.app.requests import RequestLine, request_line
from bot.app.staff_access import NotAllowed, StaffKey, staff_member
from feedback_reports.participation_model import ParticipationReport, ReportOptions
from storage.models import Staff

AUDIT_PAGE = 500


@dataclass(frozen=True)
class OverdueMeeting:
    """A meeting due before today with no outcome recorded (`caseload.is_overdue`)."""

    case_ref: str
    iro_username: str | None
    kind: str
    due_date: date


@dataclass(frozen=True)
class Overdue:
    """Everything past its deadline that one staff member may see, by kind."""

    flags: tuple[FlagLine, ...]
    requests: tuple[RequestLine, ...]
    meetings: tuple[OverdueMeeting, ...]


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    who: str
    action: str
    case_ref: str | None
    detail: str


async def _manager(uow: UnitOfWork, who: StaffKey) -> Staff:
    staff = await staff_member(uow, who)
    if staff.role != "manager":
        raise NotAllowed("managers only")
    return staff


async def overdue(services: Services, who: StaffKey) -> Overdue:
    """Flags not acknowledged by their deadline, requests nobody has seen by theirs, and
    meetings overdue (due before today, not held), longest overdue first."""
    now = services.clock()
    today = services.today().date()
    async with services.uow() as uow:
        await _manager(uow, who)
        flags = [
            await flag_line(uow, flag)
            for flag in await uow.flags.unresolved(None)
            if flag.status == "open" and flag.respond_by is not None and flag.respond_by <= now
        ]
        requests = []
        for request in await uow.requests.open_for(None):
            child = await uow.children.get(request.child_id)
            if request.status == "new" and request.escalate_at <= now and child is not None:
                requests.append(await request_line(uow, request, child, services.settings.zone))
        usernames = {s.id: s.username for s in await uow.staff.list()}
        meetings = tuple(
            OverdueMeeting(
                child.case_ref,
                usernames.get(child.iro_id) if child.iro_id else None,
                review.kind,
                review.due_date,
            )
            for review, child in await uow.reviews.not_held_between(date.min, today, None)
            if is_overdue(review, today)
        )
        return Overdue(tuple(flags), tuple(requests), meetings)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


async def audit_log(
    services: Services, who: StaffKey, start: date, end: date, action: str | None = None
) -> list[AuditRow]:
    """Audit events of those UTC days (the first 500), newest first, staff named."""
    async with services.uow() as uow:
        await _manager(uow, who)
        names = {f"staff:{s.id}": s.username for s in await uow.staff.list()}
        lines = await uow.audit.page(
            _day_start(start), _day_start(end + timedelta(days=1)), None, AUDIT_PAGE
        )
        return [
            AuditRow(
                line.at,
                names.get(line.actor, line.actor),
                line.action,
                line.case_ref,
                ", ".join(f"{key} {value}" for key, value in sorted(line.detail.items())),
            )
            for line in reversed(lines)
            if action is None or line.action == action
        ]


async def participation_report(
    services: Services, who: StaffKey, start: date, end: date, options: ReportOptions
) -> ParticipationReport:
    """The participation report of a period (generated and audited as from the CLI)."""
    async with services.uow() as uow:
        actor = f"staff:{(await _manager(uow, who)).id}"
    return await services.participation_report(start, end, actor, options)
