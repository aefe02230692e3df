"""What stays on record: the audit trail, erased children's tombstones, the report's
summaries of deleted runs and invitations, its daily counts, and the data key's check."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class AuditEvent(Base):
    """Who read or changed what; details never carry a child's words."""

    __tablename__ = "audit_event"
    # The invitation-guessing limit counts one actor's recent refusals at every /start.
    __table_args__ = (Index("ix_audit_event_actor_action_at", "actor", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(64))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ErasedChild(Base):
    """A tombstone: a child's data was erased on request. Only the case reference's hash stays.

    The child row itself is kept without its case reference (its meetings still count in the
    participation report); this row lets an operator tell that a reference was erased, and when.
    """

    __tablename__ = "erased_child"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref_hash: Mapped[str] = mapped_column(String(64), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    erased_at: Mapped[datetime]


class RunSummary(Base):
    """What the participation report counts about a run since deleted: no words, no account.

    Written when retention or an erasure deletes a child's, parent's or carer's run, so the
    report's figures for past periods do not change when the words go.
    """

    __tablename__ = "run_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"), index=True)
    # Counts people once: the participant's id while the link exists; once the participant
    # is erased, minus the smallest id of their summaries, a number nobody else can have.
    participant_key: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    flow_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]


class AnswerSummary(Base):
    """A parent's or carer's chosen option, or the themes of their words, from a deleted run."""

    __tablename__ = "answer_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_summary_id: Mapped[int] = mapped_column(
        ForeignKey("run_summary.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    choice: Mapped[str | None] = mapped_column(String(400))
    # Copied from the answer as it was: still encrypted.
    text_themes_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)


class _FeedbackCounted:
    """What a feedback count is of, and how many (shared by the day's and the month's)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    flow_id: Mapped[str] = mapped_column(String(64))
    step_id: Mapped[str] = mapped_column(String(32))
    measure: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(400))
    n: Mapped[int] = mapped_column(Integer)


class FeedbackCount(_FeedbackCounted, Base):
    """How many of parents' and carers' sent runs, chosen options and theme lists fell on a day.

    Counted as each run is sent and never changed by deleting runs, so the report adds up a
    few rows a day instead of reading every answer (`measure`: `respondent` with empty step
    and value; `choice` with the option id(s) as stored; `themes` with the comma-joined list).
    """

    __tablename__ = "feedback_count"
    __table_args__ = (UniqueConstraint("day", "role", "flow_id", "step_id", "measure", "value"),)

    day: Mapped[date] = mapped_column(Date)


class FeedbackMonthCount(_FeedbackCounted, Base):
    """`FeedbackCount`'s rows added up per month (`month`: its first day), kept with them, so
    a period's whole months are read as one row per key instead of one per day."""

    __tablename__ = "feedback_month_count"
    __table_args__ = (UniqueConstraint("month", "role", "flow_id", "step_id", "measure", "value"),)

    month: Mapped[date] = mapped_column(Date)


class _MeetingCounted:
    """What meetings are counted by, and the counts (shared by the day's and the month's)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(16))
    band: Mapped[str] = mapped_column(String(8))
    gender: Mapped[str | None] = mapped_column(String(32))
    held: Mapped[int] = mapped_column(Integer)
    in_timescale: Mapped[int] = mapped_column(Integer)
    seen_before: Mapped[int] = mapped_column(Integer)
    seen_no: Mapped[int] = mapped_column(Integer)
    views: Mapped[int] = mapped_column(Integer)


class MeetingCount(_MeetingCounted, Base):
    """How many meetings held on a day, of a kind, code, age band and gender, and how many of
    them were in timescale, seen before, or had the child's views sent before them.

    Kept in the transaction that writes a meeting or a child (`storage.repositories.
    meeting_counts`), by counting that day's meetings again from their rows, so the report
    reads a few hundred rows a day instead of every meeting. `code` is the participation
    code, or `not_recorded`; `band` the child's age band on the day.
    """

    __tablename__ = "meeting_count"

    held_on: Mapped[date] = mapped_column(Date, index=True)


class MeetingMonthCount(_MeetingCounted, Base):
    """`MeetingCount`'s rows added up per month (`month`: its first day), counted again from
    them whenever one of the month's days is, so a period's whole months are read as a few
    hundred rows each instead of a few hundred a day."""

    __tablename__ = "meeting_month_count"

    month: Mapped[date] = mapped_column(Date, index=True)


class _SentBeforeCounted:
    """How many children's runs were sent how many days before their meetings (shared by the
    meetings' day's and their month's)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    days: Mapped[int] = mapped_column(Integer)
    runs: Mapped[int] = mapped_column(Integer)


class SentBeforeCount(_SentBeforeCounted, Base):
    """How many children's runs for meetings held on a day were sent how many days before.

    Kept with `MeetingCount`, day by day, from the runs and the summaries of runs deleted, so
    the report's "sent before the meeting" reads a few rows a day instead of every run.
    """

    __tablename__ = "sent_before_count"

    held_on: Mapped[date] = mapped_column(Date, index=True)


class SentBeforeMonthCount(_SentBeforeCounted, Base):
    """`SentBeforeCount`'s rows added up per month of the meetings' days (`month`: its first
    day), counted again with them, so a period's whole months are a few rows each."""

    __tablename__ = "sent_before_month_count"

    month: Mapped[date] = mapped_column(Date, index=True)


class FunnelCount(Base):
    """The participation funnel's rows for one child's people: invitations made and used on a
    day, and each person's days of starting and of sending a run.

    Kept in the transaction that writes a run, an invitation or a child (`storage.
    repositories.funnel_counts`), by counting that child's rows again, so the report adds up
    rows instead of finding each person's runs. A person is counted once in a period: by the
    row of their first day in it, the one whose `previous_day` (the same person's day before,
    None for their first) falls before the period (invitations have none: each counts).
    `birth_date` is the child's, for the age band on the period's last day.
    """

    __tablename__ = "funnel_count"
    # The report reads each stage's and role's rows of the period from this index alone.
    __table_args__ = (
        Index(
            "ix_funnel_count_counted",
            "stage",
            "role",
            "day",
            "previous_day",
            "birth_date",
            "n",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(Integer, index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    # invited, joined (invitations), started, sent (people's runs)
    stage: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    previous_day: Mapped[date | None] = mapped_column(Date)
    n: Mapped[int] = mapped_column(Integer)


# What the children's tables read of an episode's flows, in the order they look it up: which
# rows, then the child's characteristics.
EPISODE_FLOW_COUNTED = (
    *("population", "flow", "day", "other_day"),
    *("gender", "ethnicity", "legal_status", "band", "birth_date"),
)


class EpisodeFlow(Base):
    """A period in care's or a plan's start (or end), for the children's tables' flows: its
    day, its child's characteristics then, and the same child's start before (end after);
    and the period itself (`open`), for the snapshot on a day.

    Kept in the transaction that writes an episode or a child (`storage.repositories.
    episode_flows`), by counting that child's rows again, so the children's tables add up
    rows instead of numbering each child's episodes and joining the child. A child's first
    start in a period is the one row in it whose `other_day` (their start before, None for
    their first) falls before the period; their last end, the one whose end after falls
    after it. An `open` row's `day` and `other_day` are the episode's start and end; its
    band is worked out on the snapshot's day from `birth_date`. `population`: `in_care` or
    `on_plan`; `legal_status` the episode's or, without one, the child's; `band` the DfE age
    band on the row's day.
    """

    __tablename__ = "episode_flow"
    # The children's tables read each population's and flow's rows of a period from this
    # index alone.
    __table_args__ = (Index("ix_episode_flow_counted", *EPISODE_FLOW_COUNTED),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(Integer, index=True)
    population: Mapped[str] = mapped_column(String(8))
    flow: Mapped[str] = mapped_column(String(8))
    day: Mapped[date] = mapped_column(Date)
    other_day: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(32))
    ethnicity: Mapped[str | None] = mapped_column(String(64))
    legal_status: Mapped[str | None] = mapped_column(String(64))
    band: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[date | None] = mapped_column(Date)


class InvitationSummary(Base):
    """When an invitation deleted by an erasure was made and used, for the report's funnel."""

    __tablename__ = "invitation_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class KeyCheck(Base):
    """A known word encrypted with the data key, so a lost or swapped key is noticed at start."""

    __tablename__ = "key_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
