"""Children's requests (to talk, an advocate) reaching a person, and the child hearing back.

A request is raised in the same transaction that sends the run, so it cannot be lost; the
IRO hears of it through the outbox, and a manager does if nobody has seen it within
2 working days. The IRO seeing it and marking it done each send the child a message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.app.dates import day_words, meeting_kind, moment_words
from bot.app.ports import Services, UnitOfWork
from bot.app.safeguarding import alert_recipients, working_days_after
from bot.app.staff_access import (
    NotAllowed,
    StaffKey,
    may_see,
    sees_every_child,
    staff_member,
    visible_child_ids,
)
from bot.app.texts import message
from conversations.catalogue import DEFAULT_LOCALE
from conversations.flow_spec import Flow
from conversations.messages import localise
from conversations.requests import requests_raised
from conversations.runs import Run as EngineRun
from storage.models import Child, ChildRequest, Review, Run, Staff

UNSEEN_WORKING_DAYS = 2
ESCALATION_PAGE = 100


@dataclass(frozen=True)
class RequestLine:
    """One request as staff see it: never the child's words, only what they asked for."""

    request_id: int
    case_ref: str
    about: str
    status: str
    made: str
    meeting: str
    note: str | None


def meeting_words(review: Review | None, locale: str = DEFAULT_LOCALE) -> str:
    """'review on Monday 7 December', or 'no meeting booked'."""
    if review is None:
        return message("meeting.none", locale)
    kind = meeting_kind(review.kind, locale)
    return message("meeting.on", locale, kind=kind, day=day_words(review.due_date, locale))


async def raise_requests(
    uow: UnitOfWork, row: Run, flow: Flow, run: EngineRun, now: datetime, zone: ZoneInfo
) -> list[ChildRequest]:
    """Store the requests a just-sent run raises, and queue their alerts to the IRO."""
    raised = requests_raised(flow, run.answers)
    if not raised:
        return []
    participant = await uow.participants.get(row.participant_id)
    if participant is None or participant.child_id is None:
        return []
    child = await uow.children.get(participant.child_id)
    assert child is not None
    review = await uow.reviews.get(row.review_id) if row.review_id else None
    stored = []
    for raised_request in raised:
        stored.append(
            uow.requests.add(
                ChildRequest(
                    child_id=child.id,
                    participant_id=participant.id,
                    run_id=row.id,
                    review_id=row.review_id,
                    flow_id=flow.id,
                    step_id=raised_request.step_id,
                    kind=raised_request.spec.kind,
                    about=raised_request.spec.about["en"],
                    status="new",
                    created_at=now,
                    escalate_at=working_days_after(now, UNSEEN_WORKING_DAYS),
                )
            )
        )
    await uow.flush()
    recipients = await alert_recipients(uow, child, managers_too=False)
    for request in stored:
        for staff in recipients:
            assert staff.telegram_id is not None
            title = localise(flow.title, staff.locale)
            text = _alert_text(request, child, review, zone, title, staff.locale)
            uow.outbox.add(staff.telegram_id, "request_alert", text, now)
        uow.audit.record(
            now,
            f"participant:{participant.id}",
            "request_raised",
            child.id,
            request_id=request.id,
            kind=request.kind,
        )
    return stored


def _alert_text(
    request: ChildRequest,
    child: Child,
    review: Review | None,
    zone: ZoneInfo,
    flow_title: str | None,
    locale: str = DEFAULT_LOCALE,
) -> str:
    """The IRO's alert (`flow_title` given) or the managers' escalation (None)."""
    heading = (
        message("alert.request_heading", locale)
        if flow_title
        else message("alert.request_unseen", locale, days=UNSEEN_WORKING_DAYS)
    )
    return message(
        "alert.request",
        locale,
        heading=heading,
        case_ref=child.case_ref,
        about=request.about,
        where=flow_title or message("alert.their_answers", locale),
        sent=moment_words(request.created_at, zone, locale),
        meeting=meeting_words(review, locale),
        request_id=request.id,
    )


async def escalate_unseen(
    uow: UnitOfWork, now: datetime, zone: ZoneInfo, limit: int = ESCALATION_PAGE
) -> int:
    """Tell managers of requests nobody has seen in time (at most `limit` a call)."""
    requests = await uow.requests.unseen_overdue(now, limit)
    managers = [m for m in await uow.staff.managers() if m.telegram_id is not None]
    for request in requests:
        child = await uow.children.get(request.child_id)
        assert child is not None
        review = await uow.reviews.get(request.review_id) if request.review_id else None
        for manager in managers:
            assert manager.telegram_id is not None
            text = _alert_text(request, child, review, zone, None, manager.locale)
            uow.outbox.add(manager.telegram_id, "request_escalation", text, now)
        request.escalated_at = now
        uow.audit.record(now, "system", "request_escalated", child.id, request_id=request.id)
    return len(requests)


async def open_requests(
    services: Services, flows: Mapping[str, Flow], who: StaffKey
) -> list[RequestLine]:
    """Requests not yet done that this person may see; the child's own IRO seeing one
    marks it seen, and the child is told."""
    now = services.clock()
    async with services.uow() as uow:
        staff = await staff_member(uow, who)
        requests = await uow.requests.open_for(await visible_child_ids(uow, staff))
        lines = []
        for request in requests:
            child = await uow.children.get(request.child_id)
            assert child is not None
            if request.status == "new" and _answers_for(staff, child):
                await _mark_seen(uow, flows, request, staff, now)
            lines.append(await request_line(uow, request, child, services.settings.zone))
        await uow.commit()
        return lines


def _answers_for(staff: Staff, child: Child) -> bool:
    """The child's own IRO answers their requests; a manager does when there is none."""
    return child.iro_id == staff.id or (child.iro_id is None and sees_every_child(staff))


async def _mark_seen(
    uow: UnitOfWork, flows: Mapping[str, Flow], request: ChildRequest, staff: Staff, now: datetime
) -> None:
    request.status, request.seen_at = "seen", now
    await _tell_child(
        uow, request, lambda locale: _seen_words(flows, request, locale), "request_seen", now
    )
    uow.audit.record(
        now, f"staff:{staff.id}", "request_seen", request.child_id, request_id=request.id
    )


async def mark_done(
    services: Services,
    flows: Mapping[str, Flow],
    who: StaffKey,
    request_id: int,
    note: str | None,
) -> RequestLine:
    """Close a request; a note goes to the child, and so does 'seen' if it was never seen."""
    now = services.clock()
    async with services.uow() as uow:
        staff = await staff_member(uow, who)
        request = await uow.requests.get(request_id)
        child = await uow.children.get(request.child_id) if request else None
        if request is None or child is None or not may_see(staff, child):
            raise NotAllowed("no such request")
        if request.status == "new":
            await _mark_seen(uow, flows, request, staff, now)
        if request.status != "done":
            request.status, request.done_at, request.done_by_id = "done", now, staff.id
            uow.requests.set_note(request, note)
            if note:
                await _tell_child(
                    uow,
                    request,
                    lambda locale: message("request.note_from_iro", locale, note=note),
                    "request_done",
                    now,
                )
            uow.audit.record(
                now,
                f"staff:{staff.id}",
                "request_done",
                child.id,
                request_id=request.id,
                with_note=bool(note),
            )
        line = await request_line(uow, request, child, services.settings.zone)
        await uow.commit()
        return line


def _seen_words(flows: Mapping[str, Flow], request: ChildRequest, locale: str) -> str:
    """What the child is told once their IRO has seen the request, in the flow's words."""
    flow = flows.get(request.flow_id)
    step = flow.step(request.step_id) if flow else None
    if step is None or step.request is None:
        return message("request.seen", locale)
    return localise(step.request.seen, locale)


async def _tell_child(
    uow: UnitOfWork,
    request: ChildRequest,
    words: Callable[[str], str],
    purpose: str,
    now: datetime,
) -> None:
    """Queue words for the child who raised the request, in the child's language."""
    participant = await uow.participants.get(request.participant_id)
    if participant is not None and participant.telegram_id is not None:
        uow.outbox.add(participant.telegram_id, purpose, words(participant.locale), now)


async def request_line(
    uow: UnitOfWork, request: ChildRequest, child: Child, zone: ZoneInfo
) -> RequestLine:
    review = await uow.reviews.get(request.review_id) if request.review_id else None
    return RequestLine(
        request.id,
        child.case_ref,
        request.about,
        request.status,
        moment_words(request.created_at, zone),
        meeting_words(review),
        uow.requests.note(request),
    )
