"""Getting messages in and out: the outbox, reminders sent, Telegram updates received and
handled, the prompt showing a run's question, and a child's web chat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, partial_index


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
        partial_index(
            "ix_inbound_update_waiting", "chat_id", "update_id", where="handled_at IS NULL"
        ),
    )

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    item: Mapped[str] = mapped_column(String(64), primary_key=True)
    body_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None] = mapped_column(index=True)
