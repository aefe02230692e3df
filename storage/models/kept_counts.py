"""Counts the participation report reads instead of the rows they add up, kept as the rows are
written: meetings due and how they were held, children's runs sent before their meetings per
month, and IROs' allocations started and ended per month.

Each is counted again from its rows by `storage.repositories` (meeting_counts,
caseload_counts) in the transaction that writes them; `ReportCounts.recount` rebuilds them all.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


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


class SentBeforeMonthCount(Base):
    """`SentBeforeCount`'s rows added up per month of the meetings' days (`month`: its first
    day), counted again with them, so a period's whole months are a few rows each."""

    __tablename__ = "sent_before_month_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date, index=True)
    days: Mapped[int] = mapped_column(Integer)
    runs: Mapped[int] = mapped_column(Integer)


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
