"""Retention: delete what is past the keeping periods in settings, a batch per transaction.

Children's and families' answers, runs and the IRO's notes to the child go
`MYSAY_KEEP_ANSWERS_MONTHS` after the child's last meeting; closed safeguarding flags
`MYSAY_KEEP_FLAGS_MONTHS` after it; audit events `MYSAY_KEEP_AUDIT_MONTHS` after they
happened. A child's history for the annual report (periods in care, plans, IRO allocations,
challenges) goes as a whole `MYSAY_KEEP_EPISODES_MONTHS` after the last of the child's
meetings, of its ends and of its challenges' resolutions, and never while one is open: a
later plan can then still be told a repeat, and a child's record is never left in part.
Meetings (with their participation codes) stay, and a deleted run leaves a summary the
participation report counts, so the meetings' figures do not change. `mysay retention run`
calls this, and the bot runs it daily.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime

from bot.app.housekeeping import delete_in_batches
from bot.app.ports import Services, UnitOfWork

logger = logging.getLogger(__name__)

BATCH = 500
# Called after each batch with (kind, deleted in the batch, deleted of that kind so far).
Progress = Callable[[str, int, int], None]


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (the 31st becomes the month's last)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class Limits:
    """The moments before which each kind of record is past its time."""

    answers: datetime
    flags: datetime
    audit: datetime
    episodes: datetime


@dataclass(frozen=True)
class RetentionCounts:
    """How many of each kind are past their time (a dry run) or were deleted."""

    runs: int = 0
    answers: int = 0
    notes: int = 0
    flags: int = 0
    audit_events: int = 0
    care_episodes: int = 0
    plans: int = 0
    iro_allocations: int = 0
    challenges: int = 0

    @property
    def total(self) -> int:
        """All rows counted."""
        return sum(self.as_dict().values())

    def as_dict(self) -> dict[str, int]:
        """The counts by kind, in a fixed order."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


def limits_for(services: Services) -> Limits:
    """Work out the limits from the settings and the clock."""
    now, settings = services.clock(), services.settings
    return Limits(
        answers=months_before(now, settings.keep_answers_months),
        flags=months_before(now, settings.keep_flags_months),
        audit=months_before(now, settings.keep_audit_months),
        episodes=months_before(now, settings.keep_episodes_months),
    )


async def count_past_retention(services: Services) -> RetentionCounts:
    """Count what a real run would delete now, deleting nothing."""
    limits = limits_for(services)
    async with services.uow() as uow:
        runs, answers = await uow.retention.count_runs_past(limits.answers)
        return RetentionCounts(
            runs=runs,
            answers=answers,
            notes=await uow.retention.count_notes_past(limits.answers),
            flags=await uow.retention.count_flags_past(limits.flags),
            audit_events=await uow.retention.count_audit_before(limits.audit),
            **await uow.retention.count_histories_past(limits.episodes),
        )


def _told(tell: Progress, kind: str) -> Callable[[int, int], None]:
    return lambda deleted, total: tell(kind, deleted, total)


async def enforce_retention(
    services: Services,
    *,
    actor: str = "system",
    progress: Progress | None = None,
    batch: int = BATCH,
) -> RetentionCounts:
    """Delete everything past its time, a batch per committed transaction; audit the total."""
    limits = limits_for(services)
    tell = progress or (lambda _kind, _count, _total: None)
    answers = 0

    async def runs(uow: UnitOfWork) -> int:
        nonlocal answers
        ids = await uow.retention.runs_past(limits.answers, batch)
        answers += await uow.kept_figures.delete_runs(ids)
        return len(ids)

    async def notes(uow: UnitOfWork) -> int:
        ids = await uow.retention.notes_past(limits.answers, batch)
        await uow.retention.clear_notes(ids)
        return len(ids)

    async def flags(uow: UnitOfWork) -> int:
        ids = await uow.retention.flags_past(limits.flags, batch)
        await uow.retention.delete_flags(ids)
        return len(ids)

    async def audit(uow: UnitOfWork) -> int:
        return await uow.retention.delete_audit_before(limits.audit, batch)

    history: dict[str, int] = {}

    async def histories(uow: UnitOfWork) -> int:
        children = await uow.retention.histories_past(limits.episodes, batch)
        for kind, deleted in (await uow.retention.delete_histories(children)).items():
            history[kind] = history.get(kind, 0) + deleted
        return len(children)

    deleted_runs = await delete_in_batches(services, runs, batch, _told(tell, "runs"))
    done = RetentionCounts(
        runs=deleted_runs,
        answers=answers,
        notes=await delete_in_batches(services, notes, batch, _told(tell, "notes")),
        flags=await delete_in_batches(services, flags, batch, _told(tell, "flags")),
        audit_events=await delete_in_batches(services, audit, batch, _told(tell, "audit_events")),
    )
    await delete_in_batches(services, histories, batch, _told(tell, "child_histories"))
    done = replace(done, **history)
    if done.total:
        async with services.uow() as uow:
            uow.audit.record(services.clock(), actor, "retention_enforced", **done.as_dict())
            await uow.commit()
        logger.info(
            "retention deleted %s", ", ".join(f"{n} {kind}" for kind, n in done.as_dict().items())
        )
    return done
