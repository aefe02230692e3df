"""IRO tools: upcoming reviews, reading a child's views (with a read receipt), invitations.

Every read of a child's words goes through `feedback_reports.record`, which writes the audit
event; access is checked first, and a refusal never says whether the case exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import texts
from bot.app.dates import day_words
from bot.app.staff_access import child_for, staff_member, visible_child_ids
from bot.bootstrap import Services
from bot.telegram.deep_links import deep_link
from feedback_reports.record import build_review_record
from storage import admin
from storage.models import Child, Invitation, Participant, Review, Run
from storage.uow import UnitOfWork

UPCOMING_DAYS = 14
CHECKIN_FLOW = "checkin"
CHILD_FLOWS = ("child_before_review", "child_before_conference")


@dataclass(frozen=True)
class PeopleStatus:
    """How far the child's side (or the family's) has got for one meeting."""

    invited: bool
    joined: bool
    started: bool
    sent: bool

    def words(self) -> str:
        if self.sent:
            return "sent their views"
        if self.started:
            return "started"
        if self.joined:
            return "joined, not started"
        return "invited, not joined" if self.invited else "not invited"


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
    text: str
    html: str
    file_name: str


@dataclass(frozen=True)
class NewInvitation:
    code: str
    link: str | None
    role: str
    case_ref: str


async def upcoming(services: Services, telegram_id: int) -> list[UpcomingReview]:
    """This person's reviews (all, for managers) due in the next 14 days, soonest first."""
    today = services.today().date()
    async with services.uow() as uow:
        staff = await staff_member(uow, telegram_id)
        child_ids = await visible_child_ids(uow, staff)
        query = (
            select(Review, Child)
            .join(Child, Child.id == Review.child_id)
            .where(
                Review.held_on.is_(None),
                Review.due_date >= today,
                Review.due_date <= today + timedelta(days=UPCOMING_DAYS),
            )
            .order_by(Review.due_date, Child.case_ref)
        )
        if child_ids is not None:
            query = query.where(Review.child_id.in_(child_ids))
        rows = (await uow.session.execute(query)).all()
        asked = await uow.requests.open_by_meeting([review.id for review, _ in rows])
        return [
            UpcomingReview(
                child.case_ref,
                review.kind,
                review.due_date,
                await _status(uow, child.id, review.id, ("child",)),
                await _status(uow, child.id, review.id, ("parent", "carer")),
                review.seen_before,
                tuple(f"#{r.id} {r.about} ({r.status})" for r in asked[review.id]),
            )
            for review, child in rows
        ]


async def _status(
    uow: UnitOfWork, child_id: int, review_id: int, roles: tuple[str, ...]
) -> PeopleStatus:
    invited = await uow.session.scalar(
        select(Invitation.id).where(Invitation.child_id == child_id, Invitation.role.in_(roles))
    )
    participant_ids = [p.id for p in await uow.participants.for_child(child_id) if p.role in roles]
    runs = [r for r in await uow.runs.for_review(review_id) if r.participant_id in participant_ids]
    return PeopleStatus(
        invited=invited is not None or bool(participant_ids),
        joined=bool(participant_ids),
        started=bool(runs),
        sent=any(r.status == "submitted" for r in runs),
    )


async def read_views(services: Services, telegram_id: int, case_ref: str) -> ChildViews:
    """The child's views for their next meeting; the allocated IRO's read sends a receipt."""
    async with services.uow() as uow:
        staff = await staff_member(uow, telegram_id)
        child = await child_for(uow, staff, case_ref)
        record = await build_review_record(
            uow, case_ref, reader="iro", actor=f"staff:{staff.id}", now=services.clock()
        )
        if child.iro_id == staff.id:
            await _send_read_receipts(uow, services, child.id, record.review_id)
            await uow.commit()
    file_name = f"my-say-{case_ref}-{record.due_date.isoformat()}.html"
    # Imported here: the templates (Jinja2) serve /views alone, not every update.
    from feedback_reports.render_record import render_html, render_text

    return ChildViews(render_text(record), render_html(record), file_name)


async def _send_read_receipts(
    uow: UnitOfWork, services: Services, child_id: int, review_id: int
) -> None:
    now = services.clock()
    review = await uow.reviews.get(review_id)
    query = (
        select(Run, Participant)
        .join(Participant, Participant.id == Run.participant_id)
        .where(
            # The views for this meeting, and check-ins sent between meetings (in the record).
            (Run.review_id == review_id) | (Run.flow_id == CHECKIN_FLOW),
            Run.status == "submitted",
            Run.read_by_iro_at.is_(None),
            Participant.child_id == child_id,
            Participant.role == "child",
        )
    )
    for run, participant in (await uow.session.execute(query)).all():
        run.read_by_iro_at = now
        receipt = texts.read_receipt(_what_was_read(run, review, services.settings.zone))
        uow.outbox.add(participant.telegram_id, "read_receipt", receipt, now)


def _what_was_read(run: Run, review: Review | None, zone: ZoneInfo) -> str:
    """'your check-in from 1 December', or 'what you sent for your meeting on Monday 7 December'.

    Never the kind of meeting: a read receipt shows on a lock screen.
    """
    if run.flow_id == CHECKIN_FLOW and run.submitted_at is not None:
        sent = run.submitted_at.astimezone(zone)
        return f"your check-in from {sent.day} {sent:%B}"
    if review is None:
        return "what you sent"
    return f"what you sent for your meeting on {day_words(review.due_date)}"


async def invite(
    services: Services, telegram_id: int, case_ref: str, role: str, bot_username: str | None
) -> NewInvitation:
    """A one-time joining link for someone on this IRO's case."""
    async with services.uow() as uow:
        staff = await staff_member(uow, telegram_id)
        await child_for(uow, staff, case_ref)
        issued = await admin.create_invitation(
            uow,
            services.clock(),
            services.settings.invitation_days,
            case_ref=case_ref,
            role=role,
        )
        uow.audit.record(
            services.clock(), f"staff:{staff.id}", "invitation_created", None, role=role
        )
        await uow.commit()
    link = deep_link(bot_username, issued.code) if bot_username else None
    return NewInvitation(issued.code, link, role, case_ref)
