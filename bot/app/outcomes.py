"""An IRO records a meeting's outcome (a flow too), and the child hears what was decided."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from bot.app.dates import meeting_kind
from bot.app.ports import UnitOfWork
from bot.app.replies import Notice, Outcome
from bot.app.staff_access import staff_and_child
from bot.app.staff_flows import StaffFlowStart, staff_link
from bot.app.texts import message
from bot.app.web_chat import is_web_chat
from conversations.catalogue import DEFAULT_LOCALE
from conversations.flow_spec import Flow
from conversations.messages import on_day
from conversations.runs import AnswerValue, RunContext, age_on
from conversations.runs import Run as EngineRun
from storage.models import Child, Review, Run

# Meetings due this many days either side of today are offered to pick from.
RECENT_DAYS = 90


async def meeting_to_record(
    uow: UnitOfWork, child_id: int, today: date, due: date | None
) -> tuple[Review | None, list[Review]]:
    """The child's meeting due on `due` (their latest by default), if there is one, and
    every meeting due within RECENT_DAYS either side of today, to pick from instead.

    Any of the child's meetings may be recorded, named by its due day: RECENT_DAYS only
    bounds the list offered. The latest (the default) may be older than that, and the form
    (or `/outcome`) then names it by its day, which must find it again.
    """
    recent = list(
        await uow.reviews.recent_for_child(
            child_id, today - timedelta(days=RECENT_DAYS), today + timedelta(days=RECENT_DAYS)
        )
    )
    if due is None:
        return await uow.reviews.latest_for_child(child_id, today), recent
    on_the_day = await uow.reviews.recent_for_child(child_id, due, due)
    return (on_the_day[0] if on_the_day else None), recent


async def begin_outcome(start: StaffFlowStart, case_ref: str, due: date | None = None) -> Outcome:
    """Start (or resume) recording the outcome of the child's meeting due on `due`, or of
    their latest one; name the meeting, and the other recent ones to pick from.

    Raises `NotAllowed` unless this person is the child's IRO or a manager.
    """
    now = start.services.clock()
    today = start.services.today().date()
    async with start.services.uow() as uow:
        if not await uow.updates.first_time(start.update, now):
            return Outcome(notices=(Notice.duplicate,))
        staff, child = await staff_and_child(uow, start.telegram_id, case_ref)
        review, recent = await meeting_to_record(uow, child.id, today, due)
        if review is None:
            await uow.commit()
            notice = Notice.no_review if due is None else Notice.no_meeting_that_day
            return Outcome(notices=(notice,), locale=staff.locale)
        participant = await staff_link(uow, staff, start.telegram_id, now)
        context = outcome_context(child, review, staff.locale)
        started = await start.store.start_or_resume(uow, participant, start.flow, review, context)
        await uow.commit()
        notices = [Notice.resumed] if started.resumed else []
        if review.held_on is not None or review.participation is not None:
            notices.append(Notice.outcome_replaces)
        locale = staff.locale
        others = [
            f"/outcome {child.case_ref} {r.due_date:%d/%m/%Y} ({meeting_kind(r.kind, locale)})"
            for r in recent
            if r.id != review.id
        ]
        listed = "\n".join(others)
        lines = (message("outcome.others", staff.locale, meetings=listed),) if others else ()
        return Outcome(
            started.events, started.run_id, tuple(notices), lines=lines, locale=staff.locale
        )


def outcome_context(child: Child, review: Review, locale: str = DEFAULT_LOCALE) -> RunContext:
    """What the outcome flow's conditions and words need: the meeting, the child's age."""
    return RunContext(
        audience="iro",
        review_kind=review.kind,
        meeting_day=f"{on_day(review.due_date, locale)} ({meeting_kind(review.kind, locale)})",
        locale=locale,
        meeting_due=review.due_date.isoformat(),
        child_age=age_on(child.birth_date, review.due_date),
    )


async def record_outcome(uow: UnitOfWork, row: Run, flow: Flow, state: EngineRun) -> None:
    """Copy a sent outcome onto the review and queue the note to the child.

    The flow's steps say which answer is which by their roles (see `conversations.step_roles`).
    """
    if row.review_id is None:
        return
    review = await uow.reviews.get(row.review_id)
    if review is None:
        return
    await apply_outcome(
        uow, review, flow, state.answers, state.updated_at, f"participant:{row.participant_id}"
    )


async def apply_outcome(
    uow: UnitOfWork,
    review: Review,
    flow: Flow,
    answers: Mapping[str, AnswerValue],
    now: datetime,
    actor: str,
) -> None:
    """Copy an outcome's answers onto the review, queue the note to the child, and audit it
    (whether it came through the bot's flow or the workspace's form)."""
    held_on = flow.answer_for("held_on", answers)
    if isinstance(held_on, str):
        review.held_on = date.fromisoformat(held_on)
    review.in_timescale = _yes(flow.answer_for("in_timescale", answers))
    review.seen_before = _yes(flow.answer_for("seen_before", answers))
    participation = flow.answer_for("participation", answers)
    review.participation = participation.upper() if isinstance(participation, str) else None
    note = flow.answer_for("note_to_child", answers)
    note_text = note if isinstance(note, str) and note.strip() else None
    uow.reviews.encrypt_note(review, note_text)
    if note_text is not None:
        for participant in await uow.participants.for_child(review.child_id):
            if participant.role == "child":
                uow.outbox.add(
                    participant.telegram_id,
                    "meeting_note",
                    message(
                        "outcome.note",
                        participant.locale,
                        web=is_web_chat(participant.telegram_id),
                        note=note_text,
                        day=on_day(review.held_on or review.due_date, participant.locale),
                    ),
                    now,
                )
    uow.audit.record(
        now,
        actor,
        "outcome_recorded",
        review.child_id,
        review_id=review.id,
        participation=review.participation,
    )


def _yes(value: object) -> bool | None:
    return None if value is None else value == "yes"
