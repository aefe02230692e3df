"""SQLAlchemy 2 models: the tables My Say keeps.

Free text never sits in a plain column: columns ending in `_cipher` hold Fernet tokens
written and read only through `storage.crypto.TextCipher` by the repositories.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Re-exported where they have always been read from.
from storage.roles import PARTICIPANT_ROLES as PARTICIPANT_ROLES
from storage.roles import STAFF_ROLES as STAFF_ROLES

# Stable constraint names let Alembic migrate SQLite (batch mode) and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The kinds of meeting, as `conversations.review_kinds` defines them (storage may not import
# it; tests/conversations/test_vocabularies.py checks the two agree).
REVIEW_KINDS = ("cla_review", "icpc", "rcpc")
PARTICIPATION_CODES = tuple(f"PN{n}" for n in range(8))
# A run still going: waiting on a question, or showing its summary.
OPEN_RUN = ("waiting", "reviewing")
# The answer to "may we quote your words?": the id every flow gives its `quote_consent` step
# (tests/conversations/test_flow_check.py checks it), so one small partial index serves them all.
MAY_QUOTE = "step_id = 'may_quote'"
# Answers in someone's own words: the report reads a quoted run's words without its choices.
OWN_WORDS = "kind = 'text'"


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes in UTC on every backend (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware one (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON}  # noqa: RUF012


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    created_at: Mapped[datetime]
    # Set when an admin deactivates the account: it then opens nothing, in any channel.
    deactivated_at: Mapped[datetime | None]
    # The staff member's own language: their questions (the outcome flow) and labels.
    locale: Mapped[str] = mapped_column(String(8), default="en", server_default="en")


class WebSignIn(Base):
    """A one-time link into the staff workspace: only its hash is kept; used once."""

    __tablename__ = "web_sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser: the cookie holds the token, the row its hash and last use."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]


class Child(Base):
    __tablename__ = "child"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(64), unique=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(32))
    ethnicity: Mapped[str | None] = mapped_column(String(64))
    legal_status: Mapped[str | None] = mapped_column(String(64))
    iro_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime]


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
    __table_args__ = (UniqueConstraint("child_id", "started_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    started_on: Mapped[date] = mapped_column(Date, index=True)
    ended_on: Mapped[date | None] = mapped_column(Date, index=True)
    legal_status: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime]


class PlanEpisode(Base):
    """A child protection plan: its category of abuse and its dates."""

    __tablename__ = "plan_episode"
    __table_args__ = (UniqueConstraint("child_id", "started_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    started_on: Mapped[date] = mapped_column(Date, index=True)
    ended_on: Mapped[date | None] = mapped_column(Date, index=True)
    category: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class IroAllocation(Base):
    """An IRO allocated to a child from one day to another (open while `ended_on` is None)."""

    __tablename__ = "iro_allocation"
    __table_args__ = (UniqueConstraint("child_id", "started_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    iro_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
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


class Participant(Base):
    """A Telegram account linked to a child (as child, parent or carer) or to a staff member."""

    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("telegram_id", "child_id", "role", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    role: Mapped[str] = mapped_column(String(16))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    locale: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime]


class Invitation(Base):
    """A one-time joining code; only its SHA-256 is kept, never the code itself."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"))


class WebChat(Base):
    """A child's conversation in a web browser, for children who cannot use Telegram.

    Its participant's chat id is minus this row's id (`bot.app.web_chat.chat_id_of`). The
    browser it is open in holds a random token in a cookie; only the token's hash is kept.
    A PIN the child chose moves it to another browser through the same link; a new
    invitation for the child ends the old browser's binding and the PIN.
    """

    __tablename__ = "web_chat"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), unique=True)
    # The link that opens it (another device with the PIN too); None once a new one is made.
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="SET NULL"), index=True
    )
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    bound_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    pin_failures: Mapped[int] = mapped_column(Integer, default=0)
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


class TelegramPrompt(Base):
    """The message showing a run's current question in its participant's private chat, so
    the bot can take its buttons away once it is answered.

    The Telegram adapter's own bookkeeping: the run knows nothing of messages.
    """

    __tablename__ = "telegram_prompt"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("run.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    message_id: Mapped[int] = mapped_column(BigInteger)


class Answer(Base):
    """One answered step of a run: choices in plain columns, free text encrypted."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("run_id", "step_id"),
        # The report finds the runs whose author agreed to be quoted, among millions of answers.
        Index(
            "ix_answer_may_quote",
            "run_id",
            "choice",
            sqlite_where=text(MAY_QUOTE),
            postgresql_where=text(MAY_QUOTE),
        ),
        # The words of consenting runs (SQLite finds them by run, PostgreSQL the earliest first).
        Index(
            "ix_answer_own_words",
            "run_id",
            sqlite_where=text(OWN_WORDS),
            postgresql_where=text(OWN_WORDS),
        ),
        Index(
            "ix_answer_words_in_order",
            "answered_at",
            "id",
            sqlite_where=text(OWN_WORDS),
            postgresql_where=text(OWN_WORDS),
        ),
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


class FeedbackCount(Base):
    """How many of parents' and carers' sent runs, chosen options and theme lists fell on a day.

    Counted as each run is sent and never changed by deleting runs, so the report adds up a
    few rows a day instead of reading every answer (`measure`: `respondent` with empty step
    and value; `choice` with the option id(s) as stored; `themes` with the comma-joined list).
    """

    __tablename__ = "feedback_count"
    __table_args__ = (UniqueConstraint("day", "role", "flow_id", "step_id", "measure", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    role: Mapped[str] = mapped_column(String(16))
    flow_id: Mapped[str] = mapped_column(String(64))
    step_id: Mapped[str] = mapped_column(String(32))
    measure: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(400))
    n: Mapped[int] = mapped_column(Integer)


class InvitationSummary(Base):
    """When an invitation deleted by an erasure was made and used, for the report's funnel."""

    __tablename__ = "invitation_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """A message stored before it is sent, retried until Telegram accepts it."""

    __tablename__ = "outbox_message"
    # The outbox sweep reads what is unsent and due, oldest first.
    __table_args__ = (Index("ix_outbox_message_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(32))
    text_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flag.id"))
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    last_error: Mapped[str | None] = mapped_column(String(200))


class ReminderSent(Base):
    """A reminder already sent, keyed so a sweep after a restart never sends it twice."""

    __tablename__ = "reminder_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    sent_at: Mapped[datetime]


class ProcessedUpdate(Base):
    """A Telegram update already handled, so a redelivered update is ignored.

    Keyed by the update id with its chat and its message (or callback query) id: Telegram may
    number updates afresh after a quiet week, so an id alone could match a new update.
    Housekeeping forgets a row after `MYSAY_KEEP_PROCESSED_UPDATES_DAYS`.
    """

    __tablename__ = "processed_update"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    item: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(index=True)


class InboundUpdate(Base):
    """An update received by webhook, kept until a worker has handled it (see
    `storage.repositories.inbound`); then only its key stays, to recognise a redelivery.

    Keyed as `ProcessedUpdate` is: the update id, its chat, its message or callback query id.
    """

    __tablename__ = "inbound_update"
    # Workers look for waiting updates chat by chat, oldest first; handled ones are left out.
    __table_args__ = (
        Index(
            "ix_inbound_update_waiting",
            "chat_id",
            "update_id",
            postgresql_where=text("handled_at IS NULL"),
            sqlite_where=text("handled_at IS NULL"),
        ),
    )

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    item: Mapped[str] = mapped_column(String(64), primary_key=True)
    body_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None] = mapped_column(index=True)


class KeyCheck(Base):
    """A known word encrypted with the data key, so a lost or swapped key is noticed at start."""

    __tablename__ = "key_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
