"""The meetings' counts the participation report reads, kept as meetings and children are written.

At national scale the report would otherwise read every meeting held in the year, with its
child, each time. So a write that can move a meeting's figures (a meeting added, held, coded
or changed; a child's birth date or gender changed; a child's views sent) notes the days it
touches, and before the transaction commits those days are counted again from their rows
(`MeetingCounts.refresh`), by the definitions the report's own queries use
(`storage.report_sql`), and their months added up again from their days' counts
(`MeetingMonthCount`, from which a report reads its whole months); so are children's runs
sent before their meetings (`SentBeforeCount`, and per month `SentBeforeMonthCount`). The days
the meetings it writes were due are counted again too, by kind and the day held
(`MeetingDueCount`), for "due and not held". Counting a touched day again, rather than adding
and taking away, cannot drift: a day counted twice is counted the same. `recount` counts every
day, for a database filled some other way (the benchmark) and to check that the two agree.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Executable,
    Select,
    bindparam,
    delete,
    func,
    insert,
    inspect,
    or_,
    select,
)
from sqlalchemy.orm import Session, UOWTransaction

from storage.models import (
    Child,
    MeetingCount,
    MeetingDueCount,
    MeetingMonthCount,
    Participant,
    Review,
    Run,
    RunSummary,
    SentBeforeCount,
    SentBeforeMonthCount,
)
from storage.report_sql import days_between, month_end, month_start, per_meeting, utc_day
from storage.repositories.base import Noted, Repository, noted, sorted_chunks, table_of

# What a meeting's counts are made of, on the meeting and on its child.
COUNTED_REVIEW = (
    "child_id",
    "kind",
    "due_date",
    "held_on",
    "participation",
    "seen_before",
    "in_timescale",
    "views_sent_on",
)
COUNTED_CHILD = ("birth_date", "gender")
# What a meeting's due count is made of.
COUNTED_DUE = ("kind", "due_date", "held_on")
# Where a session keeps what its transaction touched, until `refresh` counts it.
PENDING = "meeting_counts_pending"
# Days per statement, well below SQLite's limit on a statement's parameters.
DAYS_PER_STATEMENT = 500
# A month's first and last day: dates, or parameters bound as a statement runs.
Month = tuple[Any, Any]
# What a day's (or a month's) counts are of, and the counts.
KEYS = ("kind", "code", "band", "gender")
SUMS = ("held", "in_timescale", "seen_before", "seen_no", "views")
COLUMNS = ("held_on", *KEYS, *SUMS)


def touched(session: Session) -> Noted:
    return noted(session, PENDING)


def note_flushed_changes(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    """Note the days of the meetings, and the children, this flush adds, changes or deletes.

    A `before_flush` listener (`storage.uow`), so every change made through the ORM is seen,
    whichever use case or import made it; a statement that changes what a day counts without
    the ORM (a child's run sent) calls `note_day`.
    """
    noted = touched(session)
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Review):
            state = inspect(instance)
            if instance in session.dirty and not any(
                state.attrs[name].history.has_changes() for name in COUNTED_REVIEW
            ):
                continue
            # The day it was held before this flush and the day it is held now.
            noted.days.update(day for day in state.attrs.held_on.history.sum() if day)
            if instance not in session.dirty or any(
                state.attrs[name].history.has_changes() for name in COUNTED_DUE
            ):
                noted.due_days.update(day for day in state.attrs.due_date.history.sum() if day)
        elif isinstance(instance, Child) and instance not in session.new:
            state = inspect(instance)
            if instance in session.deleted or any(
                state.attrs[name].history.has_changes() for name in COUNTED_CHILD
            ):
                noted.children.add(instance.id)


def note_day(session: Session, held_on: date) -> None:
    """Note a day whose meetings' counts a statement changed without the ORM."""
    touched(session).days.add(held_on)


def counted(dialect: str, *where: ColumnElement[bool]) -> Select[Any]:
    """The meetings held, counted by day, kind, code, age band and gender, from their rows."""
    c = per_meeting(dialect, *where).c
    keys = (c.held_on, c.kind, c.code, c.band, c.gender)
    return select(
        *keys,
        func.count(),
        func.sum(c.in_timescale),
        func.sum(c.seen_before),
        func.sum(c.seen_no),
        func.sum(c.views),
    ).group_by(*keys)


def sent_before(dialect: str, *where: ColumnElement[bool]) -> list[Select[Any]]:
    """Children's runs sent on or before their meeting's day, by that day and the days between,
    from the runs and from the summaries of runs deleted since (each read from its meeting)."""
    live = (
        select(Run.submitted_at.label("submitted_at"), Review.held_on.label("held_on"))
        .join(Review, Review.id == Run.review_id)
        .join(Participant, Participant.id == Run.participant_id)
        .where(Participant.role == "child", Run.status == "submitted")
    )
    kept = (
        select(RunSummary.submitted_at, Review.held_on)
        .join(Review, Review.id == RunSummary.review_id)
        .where(RunSummary.role == "child", RunSummary.status == "submitted")
    )
    found = []
    for runs in (live, kept):
        per_run = runs.where(Review.held_on.is_not(None), *where).subquery()
        sent_on = utc_day(per_run.c.submitted_at, dialect)
        days = days_between(sent_on, per_run.c.held_on, dialect).label("days")
        counted_runs = (
            select(per_run.c.held_on, days).where(sent_on <= per_run.c.held_on).subquery()
        )
        c = counted_runs.c
        found.append(select(c.held_on, c.days, func.count()).group_by(c.held_on, c.days))
    return found


def due(*where: ColumnElement[bool]) -> Select[date, str, date | None, int]:
    """The meetings due (matching `where`), counted by due day, kind and day held."""
    keys = (Review.due_date, Review.kind, Review.held_on)
    return select(*keys, func.count()).where(*where).group_by(*keys)


def monthly(
    dialect: str,
    months: Sequence[Month] | None,
    model: type[MeetingCount] | type[SentBeforeCount] = MeetingCount,
) -> Select[Any]:
    """These months' counts (None: every month's), added up from their days' counts (the
    meetings', or the runs sent before them)."""
    day = model.held_on
    keys, sums = (KEYS, SUMS) if model is MeetingCount else (("days",), ("runs",))
    where = [] if months is None else [or_(*(day.between(*month) for month in months))]
    # The month is worked out in a subquery, so no bound parameter is repeated in GROUP BY.
    per_day = select(
        month_start(day, dialect).label("month"), *(getattr(model, c) for c in (*keys, *sums))
    ).where(*where)
    c = per_day.subquery().c
    grouped = (c.month, *(c[name] for name in keys))
    return select(*grouped, *(func.sum(c[name]) for name in sums)).group_by(*grouped)


class MeetingCounts(Repository):
    """Counts again the days this transaction touched; rebuilds every day's counts."""

    @property
    def _dialect(self) -> str:
        return "postgresql" if self.on_postgres else "sqlite"

    async def refresh(self) -> None:
        """Count again the days of the meetings and children written since the last refresh."""
        await self.session.flush()
        noted = self.session.sync_session.info.pop(PENDING, None)
        if noted is None:
            return
        days = set(noted.days)
        if noted.children:
            query = select(Review.held_on).where(
                Review.child_id.in_(noted.children), Review.held_on.is_not(None)
            )
            days.update(await self.session.scalars(query.distinct()))
        for chunk in sorted_chunks(days, DAYS_PER_STATEMENT):
            await self._count_again(chunk)
        for chunk in sorted_chunks(noted.due_days, DAYS_PER_STATEMENT):
            await self._count_due_again(chunk)

    async def recount(self) -> None:
        """Replace every count with one worked out from the meetings, children and runs."""
        self.session.sync_session.info.pop(PENDING, None)
        await self._count_again(None)
        await self._count_due_again(None)

    async def _count_due_again(self, days: Sequence[date] | None) -> None:
        """Replace the due counts of these days (None: every day) with counts from the rows."""
        kept = [] if days is None else [MeetingDueCount.due_date.in_(days)]
        await self.session.execute(delete(MeetingDueCount).where(*kept))
        meetings = due(*([] if days is None else [Review.due_date.in_(days)]))
        await self.session.execute(
            insert(MeetingDueCount).from_select(("due_date", "kind", "held_on", "n"), meetings)
        )

    async def _count_again(self, days: Sequence[date] | None) -> None:
        """Replace the counts of these days (None: every day) with counts from the rows."""
        parameters: dict[str, Any] = {}
        if days is None:
            statements = _counting(self._dialect, None, None)
        else:
            # The months of these days, added up again from all their days' counts.
            months = sorted({day.replace(day=1) for day in days})
            # Built once per database kind and number of months (a write most often touches
            # one), the days and months bound as they run: built afresh, they cost each
            # update that sends a run milliseconds of CPU.
            statements = _some_days_counting(self._dialect, len(months))
            parameters["days"] = list(days)
            for n, first in enumerate(months):
                parameters |= {f"first_{n}": first, f"last_{n}": month_end(first)}
        for statement in statements:
            await self.session.execute(statement, parameters)


def _counting(
    dialect: str, days: BindParameter[Any] | None, months: Sequence[Month] | None
) -> list[Executable]:
    """Delete the counts of these days and months (None: every day's and month's), then insert
    them counted again from the rows."""

    def on(column: Any) -> list[ColumnElement[bool]]:
        return [] if days is None else [column.in_(days)]

    # On the tables: an ORM-enabled INSERT run with parameters would be a bulk insert.
    meeting_counts, sent_before_counts = table_of(MeetingCount), table_of(SentBeforeCount)
    return [
        delete(meeting_counts).where(*on(meeting_counts.c.held_on)),
        insert(meeting_counts).from_select(COLUMNS, counted(dialect, *on(Review.held_on))),
        *_months_counting(dialect, MeetingMonthCount, ("month", *KEYS, *SUMS), months),
        delete(sent_before_counts).where(*on(sent_before_counts.c.held_on)),
        *(
            insert(sent_before_counts).from_select(("held_on", "days", "runs"), runs)
            for runs in sent_before(dialect, *on(Review.held_on))
        ),
        *_months_counting(dialect, SentBeforeMonthCount, ("month", "days", "runs"), months),
    ]


def _months_counting(
    dialect: str,
    kept: type[MeetingMonthCount] | type[SentBeforeMonthCount],
    columns: tuple[str, ...],
    months: Sequence[Month] | None,
) -> list[Executable]:
    """Delete these months' counts (None: every month's), then insert their days' added up."""
    days = MeetingCount if kept is MeetingMonthCount else SentBeforeCount
    table = table_of(kept)
    where = [] if months is None else [table.c.month.in_([first for first, _ in months])]
    return [
        delete(table).where(*where),
        insert(table).from_select(columns, monthly(dialect, months, days)),
    ]


@functools.cache
def _some_days_counting(dialect: str, months: int) -> list[Executable]:
    """`_counting` for some days in this many months, the days and months bound as it runs."""
    bound: list[Month] = [(bindparam(f"first_{n}"), bindparam(f"last_{n}")) for n in range(months)]
    return _counting(dialect, bindparam("days", expanding=True), bound)
