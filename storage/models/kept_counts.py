"""Counts the participation report reads instead of the rows they add up, kept as the rows are
written: meetings due and how they were held, IROs' allocations started and ended per month,
the funnel's rows per month and the children's tables' rows per month (children's runs sent
before their meetings per month are `records.SentBeforeMonthCount`, beside their days').

Each is counted again from its rows by `storage.repositories` (meeting_counts,
caseload_counts, funnel_counts, episode_flows) in the transaction that writes them;
`ReportCounts.recount` rebuilds them all.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

# Where a kept month's row has no day to name (a person's first day, a child with no birth
# date): before every real day, so "before the period" holds for it as for a first day.
NO_DAY = date(1, 1, 1)


class MeetingDueCount(Base):
    """How many meetings of a kind were due on a day and held on another (None: not held).

    Kept with `MeetingCount`, day by day (of the due dates a write touched), so "due in the
    period and not held by its end" adds up a few rows a day instead of reading every meeting.
    """

    __tablename__ = "meeting_due_count"
    # The report reads the period's due days from this index alone.
    __table_args__ = (Index("ix_meeting_due_count_counted", "due_date", "kind", "held_on", "n"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    due_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[date | None] = mapped_column(Date)
    n: Mapped[int] = mapped_column(Integer)


class AllocationMonthCount(Base):
    """How many of an IRO's allocations started, and how many ended, in a month (`month`: its
    first day).

    A caseload on a day is the allocations started by then less those ended by then (an
    allocation ends on or after its start, and a child has one IRO at a time), so the report
    adds up the months before the day's and reads only that month's allocations.
    """

    __tablename__ = "allocation_month_count"
    __table_args__ = (
        UniqueConstraint("iro_id", "month"),
        Index("ix_allocation_month_count_counted", "month", "iro_id", "started", "ended"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    iro_id: Mapped[int] = mapped_column(Integer)
    month: Mapped[date] = mapped_column(Date)
    started: Mapped[int] = mapped_column(Integer)
    ended: Mapped[int] = mapped_column(Integer)


class FunnelMonthCount(Base):
    """`FunnelCount`'s rows added up per month of their day, by the month of the day before
    (`NO_DAY` for none) and of the child's birth (`NO_DAY` for unknown).

    A period that starts on a month's first day and ends on a month's last reads its whole
    months from here: a day before falls before the period exactly when its month does, and
    an age band's bound (the period's end so many years before) is a month's last day, so a
    birth falls after it exactly when its month does. Kept with the days' rows, by what a
    child's rows added and took away (`storage.repositories.funnel_counts`).
    """

    __tablename__ = "funnel_month_count"
    __table_args__ = (
        UniqueConstraint("stage", "role", "month", "previous_month", "birth_month"),
        # The report reads each stage's and role's months from this index alone.
        Index(
            "ix_funnel_month_count_counted",
            "stage",
            "role",
            "month",
            "previous_month",
            "birth_month",
            "n",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16))
    month: Mapped[date] = mapped_column(Date)
    previous_month: Mapped[date] = mapped_column(Date)
    birth_month: Mapped[date] = mapped_column(Date)
    n: Mapped[int] = mapped_column(Integer)


# What `EpisodeMonthCount`'s rows are kept by.
EPISODE_MONTH_KEYS = ("population", "flow", "month", "other_month", "dimension", "value")


class EpisodeMonthCount(Base):
    """`EpisodeFlow`'s rows added up per month of their day, one characteristic at a time:
    the children's tables print each breakdown (gender, ethnicity, legal status, age band) on
    its own, never one within another, so a month keeps a row per characteristic's value
    (`dimension`, `value`: '' for none recorded) rather than per combination.

    A start's or an end's row keeps the month of the same child's start before (end after)
    in `other_month` (`NO_DAY` for none), so a period of whole months reads its first starts
    (last ends) from here. A span (`open`) keeps what it adds to the children in care on each
    month's last day: one more from its start's month, one fewer from its end's, and in
    between the move from one age band to the next in the month its child's birthday takes
    them over a band's bound (`other_month` is `NO_DAY`). The children on a month's last day,
    whose age bands' bounds are months' last days too, are the sum of the months up to it.
    Kept with the children's rows, by what counting a child's rows again added and took away
    (`storage.repositories.episode_flows`).
    """

    __tablename__ = "episode_month_count"
    __table_args__ = (
        UniqueConstraint(*EPISODE_MONTH_KEYS),
        # The children's tables read each population's and flow's months from this index alone.
        Index("ix_episode_month_count_counted", *EPISODE_MONTH_KEYS, "n"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    population: Mapped[str] = mapped_column(String(8))
    flow: Mapped[str] = mapped_column(String(8))
    month: Mapped[date] = mapped_column(Date)
    other_month: Mapped[date] = mapped_column(Date)
    dimension: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))
    n: Mapped[int] = mapped_column(Integer)
