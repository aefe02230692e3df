"""IROs' allocations started and ended per month, kept as allocations are written.

A caseload on a day (the children allocated to an IRO then) read every allocation ever
imported, twice a report (the day and a year before). An allocation is open on a day when it
started by then and has not ended by then; it ends on or after it starts (imports refuse
otherwise), and a child has one IRO at a time (imports refuse overlaps), so an IRO's
caseload on a day is their allocations started by then less those ended by then. Those are
kept per IRO and month (`AllocationMonthCount`), and a report adds up the months before the
day's and reads that month's allocations alone.

A write that adds, moves or deletes an allocation notes the months of its start and end, for
each IRO it had before and has now; before the transaction commits those IROs' months are
counted again from the allocations (`CaseloadCounts.refresh`), so they cannot drift.
`recount` counts every month, for a database filled some other way (the benchmark, migration
0025) and to check that the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, literal, or_, select, union_all
from sqlalchemy.orm import Session, UOWTransaction

from storage.models import AllocationMonthCount, IroAllocation
from storage.report_sql import month_end, month_start
from storage.repositories.base import Noted, Repository, noted, sorted_chunks
from storage.repositories.child_rows import before_and_now, changed

PENDING = "caseload_counts_pending"
# What an allocation's months are made of.
COUNTED = ("iro_id", "started_on", "ended_on")
# IROs' months per statement: each is a few parameters, well below SQLite's limit.
MONTHS_PER_STATEMENT = 200
COLUMNS = ("iro_id", "month", "started", "ended")


def touched(session: Session) -> Noted:
    return noted(session, PENDING)


def note_flushed_changes(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    """Note the IROs' months of the allocations this flush adds, moves or deletes.

    A `before_flush` listener (`storage.uow`); statements that delete allocations without the
    ORM (retention deleting a history) call `note_allocations` first.
    """
    months: set[tuple[int, date]] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, IroAllocation):
            if instance in session.dirty and not changed(instance, COUNTED):
                continue
            days = before_and_now(instance, "started_on") | before_and_now(instance, "ended_on")
            months |= _months(before_and_now(instance, "iro_id"), days)
    if months:
        touched(session).iro_months |= months


def note_allocations(session: Session, allocations: Iterable[Any]) -> None:
    """Note the IROs' months of allocations (iro_id, started_on, ended_on) a statement moves."""
    for iro_id, *days in allocations:
        touched(session).iro_months |= _months({iro_id}, {day for day in days if day})


def _months(iros: set[int], days: set[date]) -> set[tuple[int, date]]:
    return {(iro_id, day.replace(day=1)) for iro_id in iros for day in days}


def counted(dialect: str, months: Sequence[tuple[int, date]] | None) -> Any:
    """Allocations started and ended per IRO and month, for these IROs' months (None: all)."""
    a = IroAllocation
    moves = []
    for day, started in ((a.started_on, 1), (a.ended_on, 0)):
        where: list[ColumnElement[bool]] = [day.is_not(None)]
        if months is not None:
            where.append(
                or_(*(and_(a.iro_id == i, day.between(m, month_end(m))) for i, m in months))
            )
        moves.append(
            select(
                a.iro_id.label("iro_id"),
                month_start(day, dialect).label("month"),
                literal(started).label("started"),
                literal(1 - started).label("ended"),
            ).where(*where)
        )
    m = union_all(*moves).subquery().c
    return select(m.iro_id, m.month, func.sum(m.started), func.sum(m.ended)).group_by(
        m.iro_id, m.month
    )


class CaseloadCounts(Repository):
    """Counts again the IROs' months this transaction touched; rebuilds every month's."""

    async def refresh(self) -> None:
        """Count again the IROs' months of the allocations written since the last refresh."""
        await self.session.flush()
        found = self.session.sync_session.info.pop(PENDING, None)
        if found is None:
            return
        for chunk in sorted_chunks(found.iro_months, MONTHS_PER_STATEMENT):
            await self._count_again(chunk)

    async def recount(self) -> None:
        """Replace every month's counts with counts from the allocations."""
        self.session.sync_session.info.pop(PENDING, None)
        await self._count_again(None)

    async def _count_again(self, months: Sequence[tuple[int, date]] | None) -> None:
        k = AllocationMonthCount
        where = (
            []
            if months is None
            else [or_(*(and_(k.iro_id == i, k.month == m) for i, m in months))]
        )
        await self.session.execute(delete(k).where(*where))
        dialect = "postgresql" if self.on_postgres else "sqlite"
        await self.session.execute(insert(k).from_select(COLUMNS, counted(dialect, months)))
