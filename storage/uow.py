"""The unit of work: one transaction, rolled back unless `commit()` is called."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import TextCipher
from storage.database import Database
from storage.repositories import (
    AuditRepository,
    ChallengeRepository,
    ChildRecords,
    ChildRepository,
    EpisodeRepository,
    ErasureRepository,
    FlagRepository,
    Housekeeping,
    InboundUpdates,
    InvitationRepository,
    KeptFigures,
    MeetingCounts,
    OutboxRepository,
    ParticipantRepository,
    ReminderQueries,
    ReportCounts,
    RequestRepository,
    RetentionQueries,
    ReviewRepository,
    RunRepository,
    StaffRepository,
    TelegramPromptRepository,
    UpdateLog,
    WebAccessRepository,
    WebChatRepository,
)
from storage.repositories.meeting_counts import note_flushed_changes


class UnitOfWork:
    """`async with UnitOfWork(db, cipher) as uow: ...; await uow.commit()`."""

    session: AsyncSession

    def __init__(self, database: Database, cipher: TextCipher) -> None:
        self._database = database
        self.cipher = cipher

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._database.sessions()
        # Every meeting or child written in this transaction notes the days it touches, and
        # `commit` counts them again (storage.repositories.meeting_counts).
        event.listen(self.session.sync_session, "before_flush", note_flushed_changes)
        args = (self.session, self.cipher)
        self.staff = StaffRepository(*args)
        self.children = ChildRepository(*args)
        self.reviews = ReviewRepository(*args)
        self.invitations = InvitationRepository(*args)
        self.participants = ParticipantRepository(*args)
        self.runs = RunRepository(*args)
        self.audit = AuditRepository(*args)
        self.outbox = OutboxRepository(*args)
        self.flags = FlagRepository(*args)
        self.requests = RequestRepository(*args)
        self.updates = UpdateLog(*args)
        self.inbound = InboundUpdates(*args)
        self.due_reminders = ReminderQueries(*args)
        self.housekeeping = Housekeeping(*args)
        self.kept_figures = KeptFigures(*args)
        self.report_counts = ReportCounts(*args)
        self.meeting_counts = MeetingCounts(*args)
        self.retention = RetentionQueries(*args)
        self.child_records = ChildRecords(*args)
        self.erasure = ErasureRepository(*args)
        self.telegram_prompts = TelegramPromptRepository(*args)
        self.web_chats = WebChatRepository(*args)
        self.web = WebAccessRepository(*args)
        self.challenges = ChallengeRepository(*args)
        self.episodes = EpisodeRepository(*args)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.session.rollback()
        await self.session.close()

    async def commit(self) -> None:
        await self.meeting_counts.refresh()
        await self.session.commit()

    async def flush(self) -> None:
        await self.session.flush()
