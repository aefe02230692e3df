"""Reminders before reviews and the IROs' morning digest, worked out afresh from the database.

The one entry point is `queue_due_reminders(services)`, a sweep the bot runs on a repeating
job just before draining the outbox. It keeps no state of its own: each run reads reviews,
participants, runs and `reminder_sent` and queues whatever is due now, so it can run every
minute, after a restart or on several workers at once.

Who gets what:

- A child linked to a review's child is reminded at each offset in `settings.reminder_days`
  (10 and 3 days before by default) that they can tell their IRO what they think with
  /review, unless they have already sent their views for that review.
- Parents and carers linked to the child are reminded at the same offsets that, after the
  meeting, they can say how it went with /feedback (the parent flow asks about the meeting,
  so we do not ask for it before), unless they already sent feedback for that review.
- Each IRO linked in Telegram gets one digest a local day of the reviews of children allocated
  to them (`child.iro_id`, the same rule that decides whose views they may read), not yet
  held and due today or in the next 7 days, with no views from the child yet. No such
  reviews, no digest.

Nothing is queued between 21:00 and 08:00 in the service's time zone; it waits for the next
sweep after 08:00. If an offset's day was missed (the bot was down), only the most recent
offset that applies is sent, and only while the review is still in the future. Messages
never name the child nor say what kind of meeting it is, since notifications show on lock
screens: "your review", "your meeting", "the meeting".

Each message is queued in its own transaction together with a `reminder_sent` row whose key
is unique, so a second sweep or a second worker racing this one cannot queue it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.bootstrap import Services
from storage.models import Child, Participant, ReminderSent, Review, Run, Staff
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
DIGEST_DAYS = 7
# Long enough for an IRO with a heavy week, well under Telegram's 4096 characters.
DIGEST_MAX_LINES = 30

FAMILY_ROLES = ("parent", "carer")
CHILD_VIEW_FLOWS = ("child_before_review", "child_before_conference")
FAMILY_FEEDBACK_FLOWS = ("parent_feedback",)

KIND_LABELS = {
    "cla_review": "looked-after review",
    "icpc": "initial conference",
    "rcpc": "review conference",
}


@dataclass(frozen=True)
class DueMessage:
    """A reminder or digest to queue once: `key` is what `reminder_sent` remembers."""

    key: str
    chat_id: int
    purpose: str
    text: str


async def queue_due_reminders(services: Services) -> int:
    """Queue in the outbox every reminder and digest due now; return how many were queued.

    Safe to call as often as you like and from several workers: what was queued before is
    never queued again. Sending is left to the outbox (`deliver_due`).
    """
    now = services.clock()
    local = now.astimezone(services.settings.zone)
    if in_quiet_hours(local.time()):
        return 0
    today = local.date()
    async with services.uow() as uow:
        candidates = [
            *await family_reminders(uow, today, services.settings.reminder_days),
            *await iro_digests(uow, today),
        ]
        done = await _keys_already_sent(uow, [message.key for message in candidates])
    queued = 0
    for message in candidates:
        if message.key not in done and await _queue_once(services, message, now):
            queued += 1
    if queued:
        logger.info("queued %d reminder(s) and digest(s)", queued)
    return queued


def in_quiet_hours(moment: time) -> bool:
    """True between 21:00 and 08:00 (local wall-clock time)."""
    return moment >= QUIET_FROM or moment < QUIET_UNTIL


def offset_due(days_left: int, offsets: Sequence[int]) -> int | None:
    """The most recent offset reached with `days_left` days to go, or None.

    With offsets (10, 3): 12 days left gives None, 10 to 4 give 10, 3 to 1 give 3, and a
    review today or past gives None (a reminder then would come too late to help).
    """
    if days_left < 1:
        return None
    reached = [days for days in offsets if days >= days_left]
    return min(reached) if reached else None


async def family_reminders(
    uow: UnitOfWork, today: date, offsets: Sequence[int]
) -> list[DueMessage]:
    """Reminders due today for children, parents and carers, sent before or not."""
    horizon = today + timedelta(days=max(offsets))
    query = (
        select(Review, Participant)
        .join(Participant, Participant.child_id == Review.child_id)
        .where(
            Review.held_on.is_(None),
            Review.due_date > today,
            Review.due_date <= horizon,
            Participant.role.in_(("child", *FAMILY_ROLES)),
        )
        .order_by(Review.due_date, Review.id, Participant.id)
    )
    pairs = (await uow.session.execute(query)).all()
    answered = await _submitted(uow, {review.id for review, _ in pairs})
    due: list[DueMessage] = []
    for review, participant in pairs:
        flows = CHILD_VIEW_FLOWS if participant.role == "child" else FAMILY_FEEDBACK_FLOWS
        if any((review.id, participant.id, flow) in answered for flow in flows):
            continue
        days = offset_due((review.due_date - today).days, offsets)
        if days is None:
            continue
        due.append(
            DueMessage(
                key=f"review:{review.id}:participant:{participant.id}:days:{days}",
                chat_id=participant.telegram_id,
                purpose="reminder",
                text=reminder_text(participant.role, review, today),
            )
        )
    return due


async def iro_digests(uow: UnitOfWork, today: date) -> list[DueMessage]:
    """Today's digest for each IRO in Telegram who has reviews coming up without views."""
    iros = (
        await uow.session.scalars(
            select(Staff).where(Staff.role == "iro", Staff.telegram_id.is_not(None))
        )
    ).all()
    if not iros:
        return []
    query = (
        select(Review, Child)
        .join(Child, Child.id == Review.child_id)
        .where(
            Child.iro_id.in_([iro.id for iro in iros]),
            Review.held_on.is_(None),
            Review.due_date >= today,
            Review.due_date <= today + timedelta(days=DIGEST_DAYS),
        )
        .order_by(Review.due_date, Child.case_ref)
    )
    pairs = (await uow.session.execute(query)).all()
    answered = {
        review_id
        for review_id, _, flow in await _submitted(uow, {review.id for review, _ in pairs})
        if flow in CHILD_VIEW_FLOWS
    }
    joined = await _children_joined(uow, {child.id for _, child in pairs})
    waiting: dict[int, list[tuple[Review, Child]]] = {}
    for review, child in pairs:
        if review.id not in answered and child.iro_id is not None:
            waiting.setdefault(child.iro_id, []).append((review, child))
    due: list[DueMessage] = []
    for iro in iros:
        reviews = waiting.get(iro.id)
        if not reviews or iro.telegram_id is None:
            continue
        due.append(
            DueMessage(
                key=f"digest:{iro.id}:{today.isoformat()}",
                chat_id=iro.telegram_id,
                purpose="digest",
                text=digest_text(reviews, joined),
            )
        )
    return due


def reminder_text(role: str, review: Review, today: date) -> str:
    """A short, warm reminder that names neither the child nor the kind of meeting."""
    when = _when(review.due_date, today)
    if role == "child":
        noun = "review" if review.kind == "cla_review" else "meeting"
        return (
            f"Hi! Your {noun} is {when}. If you'd like your IRO to know what you think, "
            "type /review. You can stop any time."
        )
    return (
        f"Hello. The meeting is {when}. Afterwards, you can tell us how it went for you: "
        "type /feedback. It takes about two minutes, and you can skip any question."
    )


def digest_text(reviews: Sequence[tuple[Review, Child]], joined: set[int]) -> str:
    """The IRO's list: date, case reference, kind, and whether the child is on My Say."""
    lines = [
        f"• {_short_day(review.due_date)}: {child.case_ref}, "
        f"{KIND_LABELS.get(review.kind, review.kind)}, "
        + ("child is on My Say" if child.id in joined else "child has not joined My Say")
        for review, child in reviews
    ]
    if len(lines) > DIGEST_MAX_LINES:
        extra = len(lines) - DIGEST_MAX_LINES
        lines = [*lines[:DIGEST_MAX_LINES], f"…and {extra} more."]
    return (
        f"Good morning. Your reviews in the next {DIGEST_DAYS} days with no views from the "
        "child yet:\n\n" + "\n".join(lines) + "\n\n/invite CASE_REF child makes a joining link."
    )


def _when(due: date, today: date) -> str:
    day = f"{due:%A} {due.day} {due:%B}"
    return f"tomorrow, {day}" if (due - today).days == 1 else f"on {day}"


def _short_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


async def _submitted(uow: UnitOfWork, review_ids: Iterable[int]) -> set[tuple[int, int, str]]:
    """(review id, participant id, flow id) of every submitted run for these reviews."""
    ids = list(review_ids)
    if not ids:
        return set()
    query = select(Run.review_id, Run.participant_id, Run.flow_id).where(
        Run.review_id.in_(ids), Run.status == "submitted"
    )
    return {
        (review_id, participant_id, flow_id)
        for review_id, participant_id, flow_id in await uow.session.execute(query)
        if review_id is not None
    }


async def _children_joined(uow: UnitOfWork, child_ids: Iterable[int]) -> set[int]:
    ids = list(child_ids)
    if not ids:
        return set()
    query = select(Participant.child_id).where(
        Participant.child_id.in_(ids), Participant.role == "child"
    )
    return {child_id for child_id in await uow.session.scalars(query) if child_id is not None}


async def _keys_already_sent(uow: UnitOfWork, keys: Sequence[str]) -> set[str]:
    """Which of these keys were queued before (one query, so a quiet sweep stays cheap)."""
    if not keys:
        return set()
    query = select(ReminderSent.key).where(ReminderSent.key.in_(keys))
    return set(await uow.session.scalars(query))


async def _queue_once(services: Services, message: DueMessage, now: datetime) -> bool:
    """Queue the message with its key in one transaction; False if someone else just did."""
    async with services.uow() as uow:
        uow.reminders.record(message.key, now)
        uow.outbox.add(message.chat_id, message.purpose, message.text, now)
        try:
            await uow.commit()
        except IntegrityError:
            # Another worker committed the same key after our read: theirs goes out, not ours.
            logger.info("reminder %s already queued by another worker", message.key)
            return False
    return True
