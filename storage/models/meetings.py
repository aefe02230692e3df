"""A child's meetings and the history around them: reviews, care and plan episodes, IRO
allocations and the challenges an IRO raised."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

# The annual report's vocabularies (storage/episode_imports.py reads them, with their words);
# the challenge's are `conversations.challenge_codes`' (tests/conversations/test_vocabularies.py).
PLAN_CATEGORIES = ("neglect", "emotional", "physical", "sexual", "multiple")
CHALLENGE_CATEGORIES = (
    "drift_and_delay",
    "procedures",
    "plan",
    "placement",
    "health",
    "education",
    "contact",
    "other",
)
# The issue resolution stages in the order a challenge climbs them.
CHALLENGE_STAGES = ("informal", "formal1", "formal2", "formal3")
CHALLENGE_OUTCOMES = ("resolved", "partly_resolved", "not_resolved", "withdrawn")


class CareEpisode(Base):
    """A period a child was looked after, with their legal status in it (SSDA903 code)."""

    __tablename__ = "care_episode"
    # The children's tables read these indexes alone (open on a day; ended in a period).
    __table_args__ = (
        UniqueConstraint("child_id", "started_on"),
        Index("ix_care_episode_open", "started_on", "ended_on", "child_id", "legal_status"),
        Index("ix_care_episode_ended", "ended_on", "child_id", "legal_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    legal_status: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime]


class PlanEpisode(Base):
    """A child protection plan: its category of abuse and its dates."""

    __tablename__ = "plan_episode"
    # The children's tables read these indexes alone (open on a day; ended in a period).
    __table_args__ = (
        UniqueConstraint("child_id", "started_on"),
        Index("ix_plan_episode_open", "started_on", "ended_on", "category", "child_id"),
        Index("ix_plan_episode_ended", "ended_on", "started_on", "child_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class IroAllocation(Base):
    """An IRO allocated to a child from one day to another (open while `ended_on` is None)."""

    __tablename__ = "iro_allocation"
    # An IRO's allocations started in a month are counted from the first index, and those
    # ended from the second; a caseload reads the day's month's from them and `started_on`'s.
    __table_args__ = (
        UniqueConstraint("child_id", "started_on"),
        Index("ix_iro_allocation_caseload", "iro_id", "started_on", "ended_on", "child_id"),
        Index("ix_iro_allocation_ended", "ended_on", "iro_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    iro_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    started_on: Mapped[date] = mapped_column(Date, index=True)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]


class Challenge(Base):
    """One issue an IRO raised about a child's plan (the issue resolution process).

    `stage` is the highest stage it reached; `outcome` is a code, never free text.
    """

    __tablename__ = "challenge"
    __table_args__ = (UniqueConstraint("child_id", "raised_on", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    raised_on: Mapped[date] = mapped_column(Date, index=True)
    category: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(8))
    resolved_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]


class Review(Base):
    __tablename__ = "review"
    __table_args__ = (
        UniqueConstraint("child_id", "kind", "due_date"),
        # Reminders and digests read reviews not yet held, due in the next days.
        Index("ix_review_not_held_due", "held_on", "due_date"),
        # The participation report counts meetings held, and those due and not held, from
        # these alone, never reading a meeting's row (migration 0019).
        Index(
            "ix_review_held_counted",
            "held_on",
            "kind",
            "participation",
            "child_id",
            "due_date",
            "in_timescale",
            "seen_before",
            "views_sent_on",
        ),
        Index("ix_review_due_held_kind", "due_date", "held_on", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    held_on: Mapped[date | None] = mapped_column(Date, index=True)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    participation: Mapped[str | None] = mapped_column(String(3))
    seen_before: Mapped[bool | None] = mapped_column(Boolean)
    in_timescale: Mapped[bool | None] = mapped_column(Boolean)
    # The first UTC day the child sent views for this meeting through My Say, kept as the run
    # is sent (storage.repositories.report_counts) and after the run is deleted.
    views_sent_on: Mapped[date | None] = mapped_column(Date)
    note_to_child_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
