"""Aggregate SQL for participation metrics: the database counts, Python only adds up groups.

Every query groups in the database and returns at most a few thousand rows however many
meetings there are. Per-meeting values (age band, quarter, "views via My Say") are computed
in a subquery and grouped by the outer query, so no bound parameter is repeated in GROUP BY
(PostgreSQL would refuse that). Date arithmetic differs between SQLite and PostgreSQL, so
the helpers below branch on the dialect explicitly; everything else is portable SQL.

Runs and invitations are read together with the summaries kept of those deleted since (by
retention or an erasure), so deleting people's words never changes a past figure. Meetings,
and children's runs sent before them, are read from the counts kept per day as they are
written (`storage.repositories.meeting_counts`), except one IRO's meetings, read from the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeAlias

from sqlalchemy import (
    Select,
    case,
    func,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import ColumnElement, TextClause

from storage.models import (
    Child,
    Invitation,
    InvitationSummary,
    MeetingCount,
    Participant,
    Review,
    Run,
    RunSummary,
    SentBeforeCount,
)
from storage.report_sql import Expr, age_band, one_if, per_meeting

ATTENDED = ("PN1", "PN2", "PN3", "PN4")
CONVEYED = ("PN5", "PN6")
ADVOCATE = ("PN2", "PN5")
NOT_CONVEYED = ("PN7",)
AUDIENCES = ("child", "parent", "carer")
# England's financial year, which councils' annual reports follow, starts in April.
FINANCIAL_YEAR_START = 4

# A select of any row shape (SQLAlchemy 2.1 typing).
Query: TypeAlias = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class Quarter:
    label: str
    start: date
    end: date


def quarters(start: date, end: date, first_month: int = FINANCIAL_YEAR_START) -> list[Quarter]:
    """Return the quarters that overlap [start, end], of years starting in `first_month`.

    With the default (April, England's financial year) quarters read like 2026-27 Q1 (April
    to June 2026); with January, like 2026 Q1.
    """
    if not 1 <= first_month <= 12:
        raise ValueError("a year starts in a month from 1 to 12")
    # Months counted from year 0, so a quarter's start is a whole number of months.
    offset = (start.year * 12 + start.month - first_month) // 3 * 3 + first_month - 1
    found = []
    while (first := _month(offset)) <= end:
        after = _month(offset + 3)
        year, number = divmod(offset - first_month + 1, 12)
        name = str(year) if first_month == 1 else f"{year}-{(year + 1) % 100:02d}"
        found.append(Quarter(f"{name} Q{number // 3 + 1}", first, after - timedelta(days=1)))
        offset += 3
    return found


def _month(months: int) -> date:
    """The first day of a month counted from January of year 0."""
    return date(months // 12, months % 12 + 1, 1)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def report_settings(dialect: str) -> list[TextClause]:
    """Settings for the report's transaction (they end with it), by database.

    At national scale PostgreSQL groups the meetings by sorting one row per meeting; its
    default 4 MB of sort memory spills that to disk, and compiling the query (JIT) costs more
    than it saves. Parallel workers each built the whole of the funnel's per-person count
    again (the inner side of a join is not shared between them), which tripled its work and
    made the report a third slower. SQLite's are set per connection (storage.database).
    """
    if dialect != "postgresql":
        return []
    return [
        text("SET LOCAL work_mem = '64MB'"),
        text("SET LOCAL jit = off"),
        text("SET LOCAL max_parallel_workers_per_gather = 0"),
    ]


def dialect_of(session: AsyncSession) -> str:
    bind = session.bind
    assert bind is not None, "the unit of work's session has no engine"
    return bind.dialect.name


def all_invitations() -> Subquery:
    """Invitations the report counts: live ones, and those an erasure deleted."""
    live = select(
        Invitation.role.label("role"),
        Invitation.child_id.label("child_id"),
        Invitation.created_at.label("created_at"),
        Invitation.used_at.label("used_at"),
    )
    kept = select(
        InvitationSummary.role,
        InvitationSummary.child_id,
        InvitationSummary.created_at,
        InvitationSummary.used_at,
    )
    return union_all(live, kept).subquery("all_invitations")


def _quarter(held_on: Expr, periods: Sequence[Quarter]) -> ColumnElement[Any]:
    """The label of the trend's quarter a day falls in (no quarters: NULL)."""
    if not periods:
        return null()
    return case(*((held_on.between(q.start, q.end), q.label) for q in periods))


def meetings_query(
    start: date,
    end: date,
    dialect: str,
    periods: Sequence[Quarter],
    chair_id: int | None = None,
) -> Query:
    """Meetings held in [start, end], grouped by kind, code, quarter, age band and gender.

    `periods` are the quarters of the trend, as `quarters` returns them (none: no quarter).
    Every IRO's meetings are read from the counts kept per day (`MeetingCount`); with
    `chair_id`, one IRO's from the meetings themselves (`chaired_meetings_query`).
    """
    if chair_id is not None:
        return chaired_meetings_query(start, end, dialect, periods, chair_id)
    kept = MeetingCount
    per_day = (
        select(
            kept.kind,
            kept.code,
            _quarter(kept.held_on, periods).label("quarter"),
            kept.band,
            kept.gender,
            kept.held,
            kept.in_timescale,
            kept.seen_before,
            kept.seen_no,
            kept.views,
        )
        .where(kept.held_on.between(start, end))
        .subquery()
    )
    return _by_group(per_day, func.sum(per_day.c.held))


def chaired_meetings_query(
    start: date, end: date, dialect: str, periods: Sequence[Quarter], chair_id: int
) -> Query:
    """The meetings one IRO chaired, held in [start, end], grouped as `meetings_query`'s,
    counted from their rows by the definitions the kept counts use (`per_meeting`)."""
    m = per_meeting(dialect, Review.held_on.between(start, end), *_chaired(chair_id)).c
    flags = (m.in_timescale, m.seen_before, m.seen_no, m.views)
    # The quarter is worked out in a subquery, so no bound parameter is repeated in GROUP BY.
    dated = select(
        m.kind, m.code, _quarter(m.held_on, periods).label("quarter"), m.band, m.gender, *flags
    ).subquery()
    return _by_group(dated, func.count())


def _by_group(rows: Subquery, held: ColumnElement[Any]) -> Query:
    """Meetings held and their flags' sums, by kind, code, quarter, age band and gender."""
    c = rows.c
    return select(
        c.kind,
        c.code,
        c.quarter,
        c.band,
        c.gender,
        held.label("held"),
        func.sum(c.in_timescale).label("in_timescale"),
        func.sum(c.seen_before).label("seen_before"),
        func.sum(c.seen_no).label("seen_no"),
        func.sum(c.views).label("views"),
    ).group_by(c.kind, c.code, c.quarter, c.band, c.gender)


def _chaired(chair_id: int | None) -> list[ColumnElement[bool]]:
    return [] if chair_id is None else [Review.chair_id == chair_id]


def due_not_held_query(start: date, end: date, today: date, chair_id: int | None = None) -> Query:
    """Meetings due in [start, end] and before `today`, not held by the period's end, by kind.

    A meeting held before the period started is not counted (it was held, early); one due
    today or later may still be held on time, so it is not counted yet.
    """
    return (
        select(Review.kind, func.count().label("due_not_held"))
        .where(
            Review.due_date.between(start, end),
            Review.due_date < today,
            or_(Review.held_on.is_(None), Review.held_on > end),
            *_chaired(chair_id),
        )
        .group_by(Review.kind)
    )


def invitations_query(start: date, end: date, dialect: str) -> Query:
    """Invitations created and used in the period, by role and the child's age at period end."""
    since, until = day_start(start), day_start(end + timedelta(days=1))
    invitation = all_invitations().c
    created = (invitation.created_at >= since) & (invitation.created_at < until)
    used = (invitation.used_at >= since) & (invitation.used_at < until)
    per_invitation = (
        select(
            invitation.role.label("role"),
            age_band(Child.birth_date, end, dialect).label("band"),
            one_if(created).label("invited"),
            one_if(used).label("joined"),
        )
        .outerjoin(Child, Child.id == invitation.child_id)
        .where(invitation.role.in_(AUDIENCES), or_(created, used))
        .subquery()
    )
    c = per_invitation.c
    return select(
        c.role, c.band, func.sum(c.invited).label("invited"), func.sum(c.joined).label("joined")
    ).group_by(c.role, c.band)


def runs_query(start: date, end: date, dialect: str) -> Query:
    """People who started, and who sent, a run in the period, by role and age band.

    Live runs are first grouped per participant straight from the run index (participant,
    started, status, sent), then joined to the participant; summaries of deleted runs are
    grouped per person alike. A person with both is one person.
    """
    since, until = day_start(start), day_start(end + timedelta(days=1))

    def flags(started_at: Expr, status: Expr, submitted_at: Expr) -> list[ColumnElement[Any]]:
        started = (started_at >= since) & (started_at < until)
        sent = (status == "submitted") & (submitted_at >= since) & (submitted_at < until)
        return [
            func.max(one_if(started)).label("started"),
            func.max(one_if(sent)).label("sent"),
            or_(started, sent),
        ]

    *live_flags, live_active = flags(Run.started_at, Run.status, Run.submitted_at)
    live = (
        select(Run.participant_id.label("person"), *live_flags)
        .where(live_active)
        .group_by(Run.participant_id)
        .subquery()
    )
    *kept_flags, kept_active = flags(
        RunSummary.started_at, RunSummary.status, RunSummary.submitted_at
    )
    people = union_all(
        select(live.c.person, Participant.role, Participant.child_id, live.c.started, live.c.sent)
        .join(Participant, Participant.id == live.c.person)
        .where(Participant.role.in_(AUDIENCES)),
        select(RunSummary.participant_key, RunSummary.role, RunSummary.child_id, *kept_flags)
        .where(kept_active, RunSummary.role.in_(AUDIENCES))
        .group_by(RunSummary.participant_key, RunSummary.role, RunSummary.child_id),
    ).subquery()
    p = people.c
    per_person = (
        select(
            p.role.label("role"),
            p.child_id.label("child_id"),
            func.max(p.started).label("started"),
            func.max(p.sent).label("sent"),
        )
        .group_by(p.person, p.role, p.child_id)
        .subquery()
    )
    c = per_person.c
    per_band = (
        select(
            c.role.label("role"),
            age_band(Child.birth_date, end, dialect).label("band"),
            c.started,
            c.sent,
        )
        .outerjoin(Child, Child.id == c.child_id)
        .subquery()
    )
    b = per_band.c
    return select(
        b.role, b.band, func.sum(b.started).label("started"), func.sum(b.sent).label("sent")
    ).group_by(b.role, b.band)


def days_before_meeting_query(start: date, end: date) -> Query:
    """How many children's runs were sent each number of days before their meeting, for the
    meetings held in the period (counted per meeting day as runs are sent, `SentBeforeCount`)."""
    kept = SentBeforeCount
    return (
        select(kept.days, func.sum(kept.runs).label("runs"))
        .where(kept.held_on.between(start, end))
        .group_by(kept.days)
    )
