"""What participants say: runs through a flow, their answers, the safeguarding flags and
the requests a child makes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import MAY_QUOTE, OWN_WORDS, Base, partial_index


class Run(Base):
    """One participant going through one flow; `state_cipher` holds the engine's run value."""

    __tablename__ = "run"
    __table_args__ = (
        # The report reads runs sent in a period, and a meeting's sent runs, from the index...
        Index("ix_run_status_submitted_at", "status", "submitted_at"),
        Index("ix_run_review_status_submitted_at", "review_id", "status", "submitted_at"),
        # ... and who started or sent a run in a period, grouped per person from the index.
        Index(
            "ix_run_participant_started_sent",
            "participant_id",
            "started_at",
            "status",
            "submitted_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"))
    flow_id: Mapped[str] = mapped_column(String(64))
    flow_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    current_step: Mapped[str | None] = mapped_column(String(32))
    share_with: Mapped[str | None] = mapped_column(String(32))
    state_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    read_by_iro_at: Mapped[datetime | None]
    # The language the run was last answered in, so staff read "answered in Polish".
    locale: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # Optimistic lock: two workers writing the same run cannot both win.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Answer(Base):
    """One answered step of a run: choices in plain columns, free text encrypted."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("run_id", "step_id"),
        # The report finds the runs whose author agreed to be quoted, among millions of answers.
        partial_index("ix_answer_may_quote", "run_id", "choice", where=MAY_QUOTE),
        # The words of consenting runs (SQLite finds them by run, PostgreSQL the earliest first).
        partial_index("ix_answer_own_words", "run_id", where=OWN_WORDS),
        partial_index("ix_answer_words_in_order", "answered_at", "id", where=OWN_WORDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    choice: Mapped[str | None] = mapped_column(String(400))
    text_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    theme: Mapped[str | None] = mapped_column(String(32))
    sentiment: Mapped[float | None] = mapped_column(Float)
    # The themes the words mention, comma-joined, encrypted like the words they come from.
    text_themes_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    answered_at: Mapped[datetime]


class Flag(Base):
    """A safeguarding concern raised by screening a participant's own words."""

    __tablename__ = "flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("run.id"))
    step_id: Mapped[str | None] = mapped_column(String(32))
    # The question's wording (never the child's words), so the reader knows what was asked
    # even after the flow file changes.
    question: Mapped[str | None] = mapped_column(String(400))
    # The Telegram update the words came in, so a resent update raises no second flag.
    # Not unique: Telegram may start update ids again after a quiet week, and a new flag
    # must never be refused because an old one had the same id (see FlagRepository).
    source_update_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    level: Mapped[str] = mapped_column(String(16))
    categories: Mapped[str] = mapped_column(String(400))
    rules: Mapped[str] = mapped_column(String(800))
    text_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), index=True, default="open")
    created_at: Mapped[datetime]
    respond_by: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    escalated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    close_note_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)


class ChildRequest(Base):
    """Something a child asked a person for in a sent run (to talk, an advocate).

    new -> seen (the IRO has read it; the child is told) -> done (with an optional note,
    which the child receives). `kind`, `flow_id` and `step_id` find the flow's words.
    """

    __tablename__ = "child_request"
    __table_args__ = (Index("ix_child_request_status_escalate_at", "status", "escalate_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"))
    flow_id: Mapped[str] = mapped_column(String(32))
    step_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    # What the IRO is told the child asked for, in the flow's words (never the child's).
    about: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(16), default="new")
    created_at: Mapped[datetime]
    # When a manager hears of it if nobody has seen it by then (2 working days).
    escalate_at: Mapped[datetime]
    escalated_at: Mapped[datetime | None]
    seen_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    note_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
