"""The participation funnel's rows, kept as runs, invitations and children are written.

The funnel counts people: a child, parent or carer who started (or sent) any run in the
period counts once, however many they started. At national scale finding each person's runs
of the period (a quarter of a million runs a year) was the report's largest cost. So each
child's people keep one row per day they started, or sent, a run, with the same person's day
before (`FunnelCount.previous_day`): a person active in a period has exactly one row in it
whose day before falls outside it, so counting people becomes adding up rows. Invitations
made and used keep a count per day (each counts, not once per person). The child's birth date
rides along, for the age band on the period's last day.

A write that can move a child's rows (a run started, sent, cancelled or deleted into its
summary; an invitation made, used, pruned or erased; a birth date corrected) notes the child,
and before the transaction commits that child's rows are counted again from the runs, the
invitations and the summaries of those deleted (`FunnelCounts.refresh`), so they cannot
drift. People are counted only when linked to a child (every child's, parent's and carer's
link is). `recount` counts every child, for a database filled some other way (the
benchmark, migration 0022) and to check that the two agree.

The rows are added up per month too (`FunnelMonthCount`, by the month of their day, of the
day before and of the child's birth), from which a report reads its whole months: there a
child counted again moves what their rows were before, and takes them back, and adds what
they are now (a month's rows are a whole country's, too many to count again at each write).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, UOWTransaction

from storage.models import (
    NO_DAY,
    Child,
    FunnelCount,
    FunnelMonthCount,
    Invitation,
    InvitationSummary,
    Participant,
    Run,
    RunSummary,
)
from storage.report_sql import month_start, utc_day
from storage.repositories.base import Noted, noted
from storage.repositories.child_rows import (
    Children,
    ChildRows,
    Rows,
    before_and_now,
    changed,
    note_children,
)
from storage.repositories.summaries import COUNTED_ROLES

# Where a session keeps the children whose rows its transaction moved, until `refresh`.
PENDING = "funnel_counts_pending"
# What a run's, an invitation's and a child's rows are made of.
COUNTED_RUN = ("participant_id", "started_at", "status", "submitted_at")
COUNTED_CHILD = ("birth_date",)
# What moves a child's rows when it changes, on the rows that name their child.
COUNTED_OF: dict[type[Any], tuple[str, ...]] = {
    Invitation: ("child_id", "role", "created_at", "used_at"),
    InvitationSummary: ("child_id", "role", "created_at", "used_at"),
    RunSummary: ("child_id", "participant_key", "role", "status", "started_at", "submitted_at"),
    Participant: ("child_id", "role"),
}
COLUMNS = ("child_id", "birth_date", "stage", "role", "day", "previous_day", "n")
# What a month's rows are kept by, and the columns of a child's rows they are made of.
MONTH_KEYS = ("stage", "role", "month", "previous_month", "birth_month")
MONTH_OF = ("stage", "role", "day", "previous_day", "birth_date", "n")
# A month's rows: (stage, role, month, month of the day before, month of birth) -> n.
Months = Counter[tuple[str, str, date, date, date]]


def touched(session: Session) -> Noted:
    return noted(session, PENDING)


def note_flushed_changes(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    """Note the children whose runs, invitations, summaries or birth date this flush moves.

    A `before_flush` listener (`storage.uow`); statements that move them without the ORM (a
    run's state saved, an invitation claimed or pruned) call `note_child` or
    `note_participant`.
    """
    children: set[int] = set()
    participants: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        dirty = instance in session.dirty
        if isinstance(instance, Run):
            if not dirty or changed(instance, COUNTED_RUN):
                participants |= before_and_now(instance, "participant_id")
        elif isinstance(instance, Invitation | InvitationSummary | RunSummary | Participant):
            if not dirty or changed(instance, COUNTED_OF[type(instance)]):
                children |= before_and_now(instance, "child_id")
        elif isinstance(instance, Child) and dirty and changed(instance, COUNTED_CHILD):
            children.add(instance.id)
    note_children(session, PENDING, children)
    if participants:
        touched(session).participants |= participants


def funnel_days(run: dict[str, Any]) -> tuple[Any, Any]:
    """What the funnel counts of a run's columns: when it started, and when it was sent (a
    step answered, or the summary shown, moves neither)."""
    sent = run.get("submitted_at") if run.get("status") == "submitted" else None
    return run.get("started_at"), sent


def note_child(session: Session, child_id: int | None) -> None:
    """Note a child whose rows a statement moved without the ORM."""
    if child_id is not None:
        touched(session).children.add(child_id)


def note_participant(session: Session, participant_id: int) -> None:
    """Note a participant whose runs a statement moved without the ORM."""
    touched(session).participants.add(participant_id)


def _invitations(dialect: str, live: list[Any], kept: list[Any]) -> list[Rows]:
    """Each invitation made, and each used, live or summarised: child, stage, role, day."""
    found: list[Rows] = []
    for model, where in ((Invitation, live), (InvitationSummary, kept)):
        for stage, at in (("invited", model.created_at), ("joined", model.used_at)):
            found.append(
                select(
                    model.child_id.label("child_id"),
                    literal(stage).label("stage"),
                    model.role.label("role"),
                    utc_day(at, dialect).label("day"),
                ).where(
                    at.is_not(None),
                    model.role.in_(COUNTED_ROLES),
                    model.child_id.is_not(None),
                    *where,
                )
            )
    return found


def _people(dialect: str, live: list[Any], kept: list[Any]) -> list[Rows]:
    """Each person's days of starting and of sending a run, live or summarised (a summary
    carries its participant's id while the link lasts, so a person with both is one)."""
    found: list[Rows] = []
    sources = (
        (Run, Run.participant_id, Participant.role, Participant.child_id, live),
        (RunSummary, RunSummary.participant_key, RunSummary.role, RunSummary.child_id, kept),
    )
    for run, person, role, child_id, where in sources:
        for stage, at in (("started", run.started_at), ("sent", run.submitted_at)):
            query = select(
                person.label("person"),
                child_id.label("child_id"),
                literal(stage).label("stage"),
                role.label("role"),
                utc_day(at, dialect).label("day"),
            ).where(at.is_not(None), role.in_(COUNTED_ROLES), child_id.is_not(None), *where)
            if stage == "sent":
                query = query.where(run.status == "submitted")
            if run is Run:
                query = query.join(Participant, Participant.id == Run.participant_id)
            found.append(query)
    return found


def counted(dialect: str, children: Children) -> tuple[Rows, Rows]:
    """The funnel's rows of these children (None: every child) from the invitations, runs and
    summaries: the invitations' counts per day, then each person's days."""

    def on(column: InstrumentedAttribute[Any]) -> list[ColumnElement[bool]]:
        return [] if children is None else [column.in_(children)]

    made = union_all(
        *_invitations(dialect, on(Invitation.child_id), on(InvitationSummary.child_id))
    )
    m = made.subquery("made").c
    per_day = (
        select(m.child_id, Child.birth_date, m.stage, m.role, m.day)
        .add_columns(null(), func.count())
        .join(Child, Child.id == m.child_id)
        .group_by(m.child_id, Child.birth_date, m.stage, m.role, m.day)
    )
    # UNION, not UNION ALL: a person's day is one row however many runs they started in it.
    active = union(*_people(dialect, on(Participant.child_id), on(RunSummary.child_id)))
    d = active.subquery("active").c
    before = func.lag(d.day).over(partition_by=(d.person, d.stage), order_by=d.day)
    per_person = (
        select(d.child_id, Child.birth_date, d.stage, d.role, d.day)
        .add_columns(before, literal(1))
        .join(Child, Child.id == d.child_id)
    )
    return per_day, per_person


def _month(day: date | None) -> date:
    return NO_DAY if day is None else day.replace(day=1)


def monthly(dialect: str) -> Any:
    """Every month's rows, added up from the days' (as `_months_of` adds up a child's)."""
    f = FunnelCount
    # The months are worked out in a subquery, so no bound parameter is repeated in GROUP BY.
    per_row = select(
        f.stage,
        f.role,
        month_start(f.day, dialect).label("month"),
        func.coalesce(month_start(f.previous_day, dialect), NO_DAY).label("previous_month"),
        func.coalesce(month_start(f.birth_date, dialect), NO_DAY).label("birth_month"),
        f.n,
    ).subquery()
    keys = [per_row.c[name] for name in MONTH_KEYS]
    return select(*keys, func.sum(per_row.c.n)).group_by(*keys)


def _months_of(rows: Sequence[Row[Any]]) -> Months:
    """Rows (`MONTH_OF`'s columns) added up per month."""
    found: Months = Counter()
    for stage, role, day, previous_day, birth_date, n in (tuple(row) for row in rows):
        found[(stage, role, _month(day), _month(previous_day), _month(birth_date))] += n
    return found


class FunnelCounts(ChildRows):
    """The funnel's rows of the children a transaction touched, counted again."""

    pending = PENDING
    model = FunnelCount
    columns = COLUMNS
    counted = staticmethod(counted)
    returned = MONTH_OF

    async def children_of(self, found: Noted) -> set[int]:
        """The children noted, and those of the participants noted."""
        children = set(found.children)
        if found.participants:
            query = select(Participant.child_id).where(
                Participant.id.in_(found.participants), Participant.child_id.is_not(None)
            )
            children.update(await self.session.scalars(query))
        return children

    async def recount(self) -> None:
        """Replace every child's rows with rows counted again, and every month's with theirs
        added up."""
        await super().recount()
        await self.session.execute(delete(FunnelMonthCount))
        dialect = "postgresql" if self.on_postgres else "sqlite"
        await self.session.execute(
            insert(FunnelMonthCount).from_select((*MONTH_KEYS, "n"), monthly(dialect))
        )

    async def replaced(self, removed: Sequence[Row[Any]], added: Sequence[Row[Any]]) -> None:
        """Move the months by what the children's rows counted again added and took away."""
        moved = _months_of(added)
        moved.subtract(_months_of(removed))
        await self.move_kept(FunnelMonthCount, MONTH_KEYS, moved)
