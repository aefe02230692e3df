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

The sweep reads a page at a time (PAGE_SIZE rows, SQL doing the selection: reviews due,
no answer yet) and queues each page in one transaction with its `reminder_sent` keys, whose
unique index means a second sweep or a second worker racing this one cannot queue anything
twice: a page that collides is read again and only what is still unsent is queued. Before
each page the sweep gives way to the inputs in flight (`bot.app.lanes`), so children's
answers never wait behind it, and its memory stays that of one page whatever the caseload.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.app.dates import MEETING_KEYS, day_words
from bot.app.ports import Services
from bot.app.texts import message
from bot.app.web_chat import is_web_chat
from conversations.catalogue import DEFAULT_LOCALE
from conversations.flow_ids import FlowId
from conversations.messages import on_day
from conversations.review_kinds import VIEWS_FLOWS

if TYPE_CHECKING:
    from storage.repositories.reminders import WaitingReview

logger = logging.getLogger(__name__)

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
DIGEST_DAYS = 7
# Enough to act on from a phone; a longer week is summed up with a count.
DIGEST_MAX_LINES = 10
# Rows read and queued per transaction: small enough that a page never holds the event loop
# for long, large enough that 10,000 reminders take few transactions.
PAGE_SIZE = 200
DIGEST_PAGE_SIZE = 50

FAMILY_ROLES = ("parent", "carer")
# Which submitted flows count as having answered, by role: a reminder stops once they have.
ANSWERED_BY: dict[str, tuple[str, ...]] = {
    "child": VIEWS_FLOWS,
    **{role: (FlowId.family_feedback,) for role in FAMILY_ROLES},
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
    queued = 0
    async for page in _family_pages(services, today):
        queued += await _queue_page(services, page, now)
    async for page in _digest_pages(services, today):
        queued += await _queue_page(services, page, now)
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


async def _family_pages(services: Services, today: date) -> AsyncIterator[list[DueMessage]]:
    """Reminders due today for children, parents and carers, a page at a time."""
    offsets = services.settings.reminder_days
    after = (0, 0)
    while True:
        await services.lanes.give_way()  # background work: inputs in flight go first
        async with services.uow() as uow:
            members = await uow.due_reminders.family_page(
                due_after=today,
                due_by=today + timedelta(days=max(offsets)),
                after=after,
                limit=PAGE_SIZE,
                answered_by=ANSWERED_BY,
            )
        if not members:
            return
        after = (members[-1].participant_id, members[-1].review_id)
        due = []
        for member in members:
            days = offset_due((member.due_date - today).days, offsets)
            if days is not None:
                key = f"review:{member.review_id}:participant:{member.participant_id}:days:{days}"
                text = reminder_text(
                    member.role,
                    member.kind,
                    member.due_date,
                    today,
                    member.locale,
                    web=is_web_chat(member.telegram_id),
                )
                due.append(DueMessage(key, member.telegram_id, "reminder", text))
        yield due


async def _digest_pages(services: Services, today: date) -> AsyncIterator[list[DueMessage]]:
    """Today's digest for each IRO in Telegram with reviews coming up without views."""
    after = 0
    while True:
        await services.lanes.give_way()
        async with services.uow() as uow:
            iros = await uow.due_reminders.iro_page(after, DIGEST_PAGE_SIZE)
            if not iros:
                return
            waiting = await uow.due_reminders.waiting_reviews(
                [iro_id for iro_id, _, _ in iros],
                today,
                today + timedelta(days=DIGEST_DAYS),
                VIEWS_FLOWS,
            )
        after = iros[-1][0]
        by_iro: dict[int, list[WaitingReview]] = {}
        for review in waiting:
            by_iro.setdefault(review.iro_id, []).append(review)
        yield [
            DueMessage(
                f"digest:{iro_id}:{today.isoformat()}",
                telegram_id,
                "digest",
                digest_text(by_iro[iro_id], locale),
            )
            for iro_id, telegram_id, locale in iros
            if iro_id in by_iro
        ]


def reminder_text(
    role: str,
    kind: str,
    due: date,
    today: date,
    locale: str = DEFAULT_LOCALE,
    *,
    web: bool = False,
) -> str:
    """A short, warm reminder that names neither the child nor the kind of meeting."""
    when = _when(due, today, locale)
    if role == "child":
        keys = MEETING_KEYS.get(kind)
        key = keys.reminder if keys else "reminder.child_meeting"
        return message(key, locale, web=web, when=when)
    return message("reminder.family", locale, web=web, when=when)


def digest_text(reviews: Sequence[WaitingReview], locale: str = DEFAULT_LOCALE) -> str:
    """The IRO's list: date, case reference, kind, and whether the child is on My Say.

    A large caseload gets a count and the first DIGEST_MAX_LINES, so the message stays
    short enough to read on a phone whatever the caseload; /upcoming lists every one.
    """
    lines = [_digest_line(review, locale) for review in reviews[:DIGEST_MAX_LINES]]
    heading = message("digest.heading", locale, days=DIGEST_DAYS)
    if len(reviews) > DIGEST_MAX_LINES:
        heading = message(
            "digest.heading_first",
            locale,
            count=len(reviews),
            days=DIGEST_DAYS,
            shown=DIGEST_MAX_LINES,
        )
        lines.append(message("digest.more", locale, more=len(reviews) - DIGEST_MAX_LINES))
    return message("digest.message", locale, heading=heading, lines="\n".join(lines))


def _digest_line(review: WaitingReview, locale: str) -> str:
    # Any other kind is shown as stored.
    keys = MEETING_KEYS.get(review.kind)
    return message(
        "digest.line",
        locale,
        day=_short_day(review.due_date),
        case_ref=review.case_ref,
        kind=message(keys.digest, locale) if keys else review.kind,
        joined=message("digest.joined" if review.child_joined else "digest.not_joined", locale),
    )


def _when(due: date, today: date, locale: str) -> str:
    if (due - today).days == 1:
        return message("reminder.tomorrow", locale, day=day_words(due, locale))
    return on_day(due, locale)


def _short_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


async def _queue_page(services: Services, messages: list[DueMessage], now: datetime) -> int:
    """Queue a page's messages not sent before, in one transaction; return how many.

    Another worker may commit some of the same keys between our read and our commit; then
    the unique key refuses the whole page, and we read again and queue what is left.
    """
    while messages:
        async with services.uow() as uow:
            done = await uow.due_reminders.sent_among([message.key for message in messages])
            messages = [message for message in messages if message.key not in done]
            if not messages:
                return 0
            rows = [(m.key, m.chat_id, m.purpose, m.text) for m in messages]
            if not await uow.due_reminders.queue(rows, now):
                logger.info("another worker queued some of these reminders; reading again")
                continue
            await uow.commit()
        return len(messages)
    return 0
