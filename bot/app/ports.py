"""What the use cases need from the world, as small interfaces.

The application layer never imports python-telegram-bot, aiohttp or SQLAlchemy. It reaches
storage through a unit of work whose repositories are typed here (their classes are named
only for the type checker), and the outside world through these ports. The composition root
(`bot/bootstrap.py`) passes real ones; `tests/app/fakes.py` passes in-memory ones.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from bot.app.lanes import Lanes
    from bot.settings import Settings
    from conversations.sharing import Reader
    from feedback_reports.participation_model import ParticipationReport, ReportOptions
    from feedback_reports.record_model import ReviewRecord
    from storage.crypto import TextCipher
    from storage.repositories import (
        AuditRepository,
        ChallengeRepository,
        ChildRecords,
        ChildRepository,
        EpisodeRepository,
        ErasureRepository,
        FlagRepository,
        Housekeeping,
        InvitationRepository,
        KeptFigures,
        OutboxRepository,
        ParticipantRepository,
        ReminderQueries,
        ReportCounts,
        RequestRepository,
        RetentionQueries,
        ReviewRepository,
        RunRepository,
        StaffRepository,
        UpdateLog,
        WebAccessRepository,
        WebChatRepository,
    )

Clock = Callable[[], datetime]


class UpdateKey(NamedTuple):
    """Which inbound update this is, told apart from every other one ever received.

    Telegram numbers updates one after another, but after a week with none it may start again
    from any number, so an id alone may come back on a new update. With the chat and the
    message (or the pressed button's own query id) beside it, an update Telegram resends still
    matches, and a new one that happens to reuse an id does not.
    """

    update_id: int
    chat_id: int = 0
    # The message id, or the callback query's id, as text; empty for anything else.
    item: str = ""


class UnitOfWork(Protocol):
    """One transaction: `async with services.uow() as uow: ...; await uow.commit()`."""

    cipher: TextCipher
    staff: StaffRepository
    children: ChildRepository
    reviews: ReviewRepository
    invitations: InvitationRepository
    participants: ParticipantRepository
    runs: RunRepository
    audit: AuditRepository
    outbox: OutboxRepository
    flags: FlagRepository
    requests: RequestRepository
    updates: UpdateLog
    due_reminders: ReminderQueries
    housekeeping: Housekeeping
    kept_figures: KeptFigures
    retention: RetentionQueries
    child_records: ChildRecords
    erasure: ErasureRepository
    report_counts: ReportCounts
    web_chats: WebChatRepository
    web: WebAccessRepository
    challenges: ChallengeRepository
    episodes: EpisodeRepository

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def flush(self) -> None: ...


class Services(Protocol):
    """What a use case is given: settings, a clock, transactions, and the lanes that let
    background work give way to people's inputs."""

    @property
    def settings(self) -> Settings: ...

    @property
    def lanes(self) -> Lanes: ...

    @property
    def clock(self) -> Clock: ...

    def uow(self) -> UnitOfWork: ...

    def today(self) -> datetime: ...

    async def review_record(
        self, case_ref: str, *, reader: Reader, actor: str, review_id: int | None = None
    ) -> ReviewRecord:
        """A review's record for `reader` (the next or latest, by default), the read written
        to the audit log."""
        ...

    async def participation_report(
        self, start: date, end: date, actor: str, options: ReportOptions
    ) -> ParticipationReport:
        """The participation report of a period, its making written to the audit log."""
        ...


@dataclass(frozen=True)
class Outgoing:
    """A stored message on its way out; `flag_id` lets the channel offer the flag's actions."""

    chat_id: int
    text: str
    purpose: str
    flag_id: int | None = None


class DeliveryFailed(Exception):
    """The channel did not take the message; `retry_after` is its own wish, in seconds."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


# Sends one message through a channel, or raises DeliveryFailed.
Send = Callable[[Outgoing], Awaitable[None]]
# A channel's own note about the run an input is for (by its id), written in the input's
# transaction rather than one of its own: Telegram's note of the message showing the run's
# question.
RunNote = Callable[[UnitOfWork, int], Awaitable[None]]
