"""The response to a worrying message: a flag, alerts through the outbox, escalation.

A flag and its alerts (queued in the outbox) are added to the caller's transaction, with
the answer they came from; should that transaction fail, the caller stores them again on
their own (see `Conversations.act`), so no error can lose them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.app.dates import moment_words
from bot.app.ports import UnitOfWork
from bot.app.texts import message
from conversations.catalogue import DEFAULT_LOCALE
from conversations.runs import age_band_for, age_on
from conversations.safeguarding import Assessment, Level, ScreeningContext
from conversations.safeguarding.screener import describe_reasons
from storage.models import Child, Flag, Participant, Run, Staff

logger = logging.getLogger(__name__)

Screening = Callable[[str, ScreeningContext], Assessment]

CONCERN_WORKING_DAYS = 2
ESCALATION_PAGE = 100
# Telegram resends an unconfirmed update for up to a day; allow it twice over.
RESEND_WINDOW = timedelta(days=2)


@dataclass(frozen=True)
class Screened:
    """What screening found in a participant's words, and who wrote them (for the reply)."""

    assessment: Assessment
    author: str

    @property
    def level(self) -> Level:
        """The level screening found."""
        return self.assessment.level


def working_days_after(start: datetime, days: int) -> datetime:
    """The same time of day `days` working days (Monday to Friday) later."""
    moment = start
    while days:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


async def raise_flag(
    uow: UnitOfWork,
    screen: Screening,
    participant: Participant | None,
    child: Child | None,
    run: Run | None,
    text: str,
    now: datetime,
    escalate_minutes: int,
    zone: ZoneInfo,
    update_id: int | None = None,
    question: str | None = None,
) -> Screened | None:
    """Screen a participant's words; for a concern, store a flag and queue its alerts.

    `child` is the child the participant is linked to. Staff words are not screened: they
    are professionals writing about a case. The same update screened again (Telegram
    resends) raises no second flag. `question` is the wording of the question answered, if
    any: screening and the alert both use it.
    """
    if participant is None or participant.role == "staff":
        return None
    age = age_on(child.birth_date, now.date()) if child else None
    context = ScreeningContext(
        author=participant.role,
        age_band=age_band_for(age) if age is not None else None,
        question=question,
        language=run.locale if run is not None else participant.locale,
    )
    assessment = screen(text, context)
    screened = Screened(assessment, participant.role)
    if assessment.level is Level.NONE:
        return screened
    resent_since = now - RESEND_WINDOW
    if (
        update_id is not None
        and await uow.flags.from_update(update_id, participant.id, resent_since) is not None
    ):
        return screened
    respond_by = (
        now + timedelta(minutes=escalate_minutes)
        if assessment.level is Level.URGENT
        else working_days_after(now, CONCERN_WORKING_DAYS)
    )
    flag = Flag(
        child_id=child.id if child else None,
        participant_id=participant.id,
        run_id=run.id if run else None,
        step_id=run.current_step if run else None,
        question=question,
        source_update_id=update_id,
        level=assessment.level.value,
        categories=",".join(assessment.categories),
        rules=",".join(assessment.rules),
        text_cipher=uow.cipher.encrypt(text),
        status="open",
        created_at=now,
        respond_by=respond_by,
    )
    uow.flags.add(flag)
    await uow.flush()
    recipients = await alert_recipients(uow, child, managers_too=True)
    if not recipients:
        # The flag is stored and listed by /flags, but nobody hears of it now: say so loudly.
        logger.error(
            "safeguarding flag %d (%s) has no IRO or manager linked in Telegram to alert",
            flag.id,
            flag.level,
        )
    for staff in recipients:
        assert staff.telegram_id is not None
        uow.outbox.add(
            staff.telegram_id,
            "flag_alert",
            alert_text(flag, child, participant.role, zone, escalated=False, locale=staff.locale),
            now,
            flag_id=flag.id,
        )
    uow.audit.record(
        now,
        f"participant:{participant.id}",
        "flag_raised",
        flag.child_id,
        flag_id=flag.id,
        level=flag.level,
        alerts=len(recipients),
    )
    return screened


async def alert_recipients(
    uow: UnitOfWork, child: Child | None, *, managers_too: bool
) -> list[Staff]:
    """The child's IRO and (if asked) every manager, where linked in Telegram."""
    people: list[Staff] = []
    if child is not None and child.iro_id is not None:
        iro = await uow.staff.get(child.iro_id)
        if iro is not None:
            people.append(iro)
    if managers_too or not people:
        people.extend(m for m in await uow.staff.managers() if m not in people)
    return [p for p in people if p.telegram_id is not None]


def flag_explanation(flag: Flag, locale: str = DEFAULT_LOCALE) -> str:
    """Which question was answered and why it was flagged; never the words themselves."""
    answering = (
        message("alert.answering", locale, question=flag.question)
        if flag.question
        else message("alert.outside_question", locale)
    )
    reasons = describe_reasons([r for r in flag.rules.split(",") if r])
    return f"{answering}\n\n{message('alert.why', locale, reasons=reasons)}\n"


@dataclass(frozen=True)
class Concern:
    """What screening found in a flag's words, as staff may read it: never the words."""

    level: str
    categories: tuple[str, ...]
    # Which question was answered and why it was flagged (`flag_explanation`).
    explanation: str

    def about(self, locale: str = DEFAULT_LOCALE) -> str:
        """The categories in words, as the alert and every list of flags name them."""
        words = ", ".join(c.replace("_", " ") for c in self.categories)
        return words or message("flags.unspecified", locale)


def flag_concern(flag: Flag, locale: str = DEFAULT_LOCALE) -> Concern:
    """What the flag is about, explained in `locale`."""
    categories = tuple(c for c in flag.categories.split(",") if c)
    return Concern(flag.level, categories, flag_explanation(flag, locale))


def alert_text(
    flag: Flag,
    child: Child | None,
    raised_by: str,
    zone: ZoneInfo,
    *,
    escalated: bool,
    locale: str = DEFAULT_LOCALE,
) -> str:
    heading = "alert.flag_escalated" if escalated else "alert.flag_heading"
    concern = flag_concern(flag, locale)
    return message(
        "alert.flag",
        locale,
        heading=message(heading, locale),
        case=child.case_ref if child else message("alert.unknown_case", locale),
        level=concern.level.upper(),
        categories=concern.about(locale),
        author=raised_by,
        explanation=concern.explanation,
        deadline=_deadline(flag, zone, locale),
        flag_id=flag.id,
    )


def _deadline(flag: Flag, zone: ZoneInfo, locale: str) -> str:
    if flag.respond_by is None:
        return ""
    key = "alert.acknowledge_by" if flag.level == "urgent" else "alert.respond_by"
    return message(key, locale, moment=moment_words(flag.respond_by, zone, locale)) + "\n"


async def escalate_overdue(
    uow: UnitOfWork, now: datetime, zone: ZoneInfo, limit: int = ESCALATION_PAGE
) -> int:
    """Alert managers again about urgent flags nobody acknowledged in time.

    At most `limit` flags a call, oldest first, so one transaction stays small; the sweep
    runs every minute, so any more are escalated on the next.
    """
    flags: Sequence[Flag] = await uow.flags.overdue_urgent(now, limit)
    for flag in flags:
        child = await uow.children.get(flag.child_id) if flag.child_id else None
        for manager in await uow.staff.managers():
            if manager.telegram_id is None:
                continue
            uow.outbox.add(
                manager.telegram_id,
                "flag_escalation",
                alert_text(
                    flag, child, "participant", zone, escalated=True, locale=manager.locale
                ),
                now,
                flag_id=flag.id,
            )
        flag.escalated_at = now
        uow.audit.record(now, "system", "flag_escalated", flag.child_id, flag_id=flag.id)
    return len(flags)
