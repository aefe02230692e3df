"""IRO tools: upcoming reviews, reading a child's views (with a read receipt), invitations.

Every read of a child's words goes through `feedback_reports.record`, which writes the audit
event; access is checked first, and a refusal never says whether the case exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.app import admin
from bot.app.dates import day_words
from bot.app.ports import Services, UnitOfWork
from bot.app.staff_access import (
    NotAllowed,
    StaffKey,
    child_for,
    sees_words,
    staff_member,
    visible_child_ids,
)
from bot.app.texts import message
from conversations import languages
from conversations.catalogue import DEFAULT_LOCALE
from conversations.flow_ids import FlowId
from feedback_reports.record_model import ReviewRecord

if TYPE_CHECKING:
    from storage.models import Participant, Review, Run

UPCOMING_DAYS = 14


@dataclass(frozen=True)
class PeopleStatus:
    """How far the child's side (or the family's) has got for one meeting."""

    invited: bool
    joined: bool
    started: bool
    sent: bool

    def words(self, locale: str = DEFAULT_LOCALE) -> str:
        """'sent their views', 'started', ... 'not invited': the furthest step reached."""
        if self.sent:
            key = "progress.sent"
        elif self.started:
            key = "progress.started"
        elif self.joined:
            key = "progress.joined"
        else:
            key = "progress.invited" if self.invited else "progress.not_invited"
        return message(key, locale)


@dataclass(frozen=True)
class UpcomingReview:
    case_ref: str
    kind: str
    due_date: date
    child: PeopleStatus
    family: PeopleStatus
    seen_before: bool | None
    # What the child has asked for about this meeting and is not done yet (#id: what).
    requests: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChildViews:
    record: ReviewRecord
    text: str
    html: str
    file_name: str


@dataclass(frozen=True)
class NewInvitation:
    code: str
    role: str
    case_ref: str


async def upcoming(services: Services, who: StaffKey) -> list[UpcomingReview]:
    """This person's reviews (all, for managers) due in the next 14 days, soonest first."""
    today = services.today().date()
    async with services.uow() as uow:
        staff = await staff_member(uow, who)
        meetings = await uow.reviews.not_held_between(
            today, today + timedelta(days=UPCOMING_DAYS), await visible_child_ids(uow, staff)
        )
        review_ids = [review.id for review, _ in meetings]
        asked = await uow.requests.open_by_meeting(review_ids)
        status = await people_status(uow, [child.id for _, child in meetings], review_ids)
        return [
            UpcomingReview(
                child.case_ref,
                review.kind,
                review.due_date,
                status.of(child.id, review.id, ("child",)),
                status.of(child.id, review.id, ("parent", "carer")),
                review.seen_before,
                tuple(f"#{r.id} {r.about} ({r.status})" for r in asked[review.id]),
            )
            for review, child in meetings
        ]


async def people_status(
    uow: UnitOfWork, child_ids: Sequence[int], review_ids: Sequence[int]
) -> PeopleStatuses:
    """Who was invited, joined, started and sent, for these children's meetings at once."""
    unique = sorted(set(child_ids))
    return PeopleStatuses(
        await uow.invitations.roles_invited(unique),
        await uow.participants.for_children(unique),
        await uow.runs.for_reviews(review_ids),
    )


@dataclass(frozen=True)
class PeopleStatuses:
    """Invitations, participants and runs for a page of meetings, read once for all of them."""

    invited: set[tuple[int, str]]
    participants: Sequence[Participant]
    runs: Sequence[Run]

    def of(self, child_id: int, review_id: int, roles: tuple[str, ...]) -> PeopleStatus:
        joined = {p.id for p in self.participants if p.child_id == child_id and p.role in roles}
        runs = [r for r in self.runs if r.review_id == review_id and r.participant_id in joined]
        return PeopleStatus(
            invited=any((child_id, role) in self.invited for role in roles) or bool(joined),
            joined=bool(joined),
            started=bool(runs),
            sent=any(r.status == "submitted" for r in runs),
        )


async def read_views(
    services: Services, who: StaffKey, case_ref: str, review_id: int | None = None
) -> ChildViews:
    """The child's views for one meeting (their next, by default); the allocated IRO's read
    sends a receipt. Admins run the service and read no child's words."""
    async with services.uow() as uow:
        staff = await staff_member(uow, who)
        if not sees_words(staff):
            raise NotAllowed("admins read no child's words")
        child = await child_for(uow, staff, case_ref)
        record = await services.review_record(
            case_ref, reader="iro", actor=f"staff:{staff.id}", review_id=review_id
        )
        if child.iro_id == staff.id:
            await _send_read_receipts(uow, services, child.id, record.review_id)
            await uow.commit()
    file_name = f"my-say-{case_ref}-{record.due_date.isoformat()}.html"
    # Imported here: the templates (Jinja2) serve /views alone, not every update.
    from feedback_reports.render_record import render_html, render_text

    return ChildViews(record, render_text(record), render_html(record), file_name)


async def _send_read_receipts(
    uow: UnitOfWork, services: Services, child_id: int, review_id: int
) -> None:
    now = services.clock()
    review = await uow.reviews.get(review_id)
    # The views for this meeting, and check-ins sent between meetings (in the record).
    for run, participant in await uow.runs.unread_from_child(child_id, review_id, FlowId.checkin):
        run.read_by_iro_at = now
        receipt = _read_receipt(run, review, services.settings.zone, participant.locale)
        uow.outbox.add(participant.telegram_id, "read_receipt", receipt, now)


def _read_receipt(run: Run, review: Review | None, zone: ZoneInfo, locale: str) -> str:
    """'Your IRO has read your check-in from 1 December.', or '... what you sent for your
    meeting on Monday 7 December.'

    Never the kind of meeting: a read receipt shows on a lock screen.
    """
    if run.flow_id == FlowId.checkin and run.submitted_at is not None:
        sent = run.submitted_at.astimezone(zone)
        return message("receipt.checkin", locale, day=languages.date_words(sent, locale))
    if review is None:
        return message("receipt.sent", locale)
    return message("receipt.meeting", locale, day=day_words(review.due_date, locale))


async def invite(services: Services, who: StaffKey, case_ref: str, role: str) -> NewInvitation:
    """A one-time joining link for someone on this IRO's case."""
    async with services.uow() as uow:
        staff = await staff_member(uow, who)
        await child_for(uow, staff, case_ref)
        issued = await admin.invite_participant(
            uow, services.clock(), services.settings.invitation_days, case_ref, role
        )
        uow.audit.record(
            services.clock(), f"staff:{staff.id}", "invitation_created", None, role=role
        )
        await uow.commit()
    return NewInvitation(issued.code, role, case_ref)
