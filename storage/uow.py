"""The unit of work: one transaction, rolled back unless `commit()` is called."""

from __future__ import annotations

from types import TracebackType
from typing import Generic, TypeVar, overload

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.crypto import TextCipher
from storage.database import Database
from storage.repositories import (
    AuditRepository,
    CaseloadCounts,
    ChallengeRepository,
    ChildRecords,
    ChildRepository,
    EpisodeFlows,
    EpisodeRepository,
    ErasureRepository,
    FlagRepository,
    FunnelCounts,
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
from storage.repositories.base import Repository
from storage.repositories.caseload_counts import PENDING as CASELOADS_PENDING
from storage.repositories.caseload_counts import note_flushed_changes as note_caseload_changes
from storage.repositories.episode_flows import PENDING as FLOWS_PENDING
from storage.repositories.episode_flows import note_flushed_changes as note_flow_changes
from storage.repositories.funnel_counts import PENDING as FUNNEL_PENDING
from storage.repositories.funnel_counts import note_flushed_changes as note_funnel_changes
from storage.repositories.meeting_counts import PENDING as MEETINGS_PENDING
from storage.repositories.meeting_counts import note_flushed_changes as note_meeting_changes

R = TypeVar("R", bound=Repository)


class _NotingSession(Session):
    """A session whose flushes note the meeting days, the children's funnel and flow rows and
    the IROs' months they touch, for `commit` to count again (storage.repositories.
    meeting_counts, funnel_counts, episode_flows, caseload_counts).

    Listening on the class, once, rather than on each unit of work's session: registering a
    listener per transaction was a measurable share of an input's cost.
    """


event.listen(_NotingSession, "before_flush", note_meeting_changes)
event.listen(_NotingSession, "before_flush", note_funnel_changes)
event.listen(_NotingSession, "before_flush", note_flow_changes)
event.listen(_NotingSession, "before_flush", note_caseload_changes)
# What a transaction may have noted without the ORM (a statement), for `commit` to count.
_PENDING = (MEETINGS_PENDING, FUNNEL_PENDING, FLOWS_PENDING, CASELOADS_PENDING)


class _Repository(Generic[R]):
    """A unit of work's repository, made the first time it is asked for.

    Most transactions use two or three of the two dozen repositories; making them all for
    every input was a measurable share of its cost.
    """

    def __init__(self, kind: type[R]) -> None:
        self.kind = kind

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Repository[R]: ...

    @overload
    def __get__(self, uow: UnitOfWork, owner: type) -> R: ...

    def __get__(self, uow: UnitOfWork | None, owner: type) -> R | _Repository[R]:
        if uow is None:
            return self
        repository = self.kind(uow.session, uow.cipher)
        uow.__dict__[self.name] = repository  # asked again, the attribute answers at once
        return repository


class UnitOfWork:
    """`async with UnitOfWork(db, cipher) as uow: ...; await uow.commit()`."""

    session: AsyncSession
    staff = _Repository(StaffRepository)
    children = _Repository(ChildRepository)
    reviews = _Repository(ReviewRepository)
    invitations = _Repository(InvitationRepository)
    participants = _Repository(ParticipantRepository)
    runs = _Repository(RunRepository)
    audit = _Repository(AuditRepository)
    outbox = _Repository(OutboxRepository)
    flags = _Repository(FlagRepository)
    requests = _Repository(RequestRepository)
    updates = _Repository(UpdateLog)
    inbound = _Repository(InboundUpdates)
    due_reminders = _Repository(ReminderQueries)
    housekeeping = _Repository(Housekeeping)
    kept_figures = _Repository(KeptFigures)
    report_counts = _Repository(ReportCounts)
    meeting_counts = _Repository(MeetingCounts)
    funnel_counts = _Repository(FunnelCounts)
    episode_flows = _Repository(EpisodeFlows)
    caseload_counts = _Repository(CaseloadCounts)
    retention = _Repository(RetentionQueries)
    child_records = _Repository(ChildRecords)
    erasure = _Repository(ErasureRepository)
    telegram_prompts = _Repository(TelegramPromptRepository)
    web_chats = _Repository(WebChatRepository)
    web = _Repository(WebAccessRepository)
    challenges = _Repository(ChallengeRepository)
    episodes = _Repository(EpisodeRepository)

    def __init__(self, database: Database, cipher: TextCipher) -> None:
        self._database = database
        self.cipher = cipher

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._database.sessions(sync_session_class=_NotingSession)
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
        """Count again the meeting days, the children's kept rows and the IROs' months this
        transaction touched, if any, and commit."""
        session = self.session
        # Only written rows can touch a day or a child: most inputs write a run's state and
        # an answer, which touch neither, so there is nothing to count.
        if (
            session.new
            or session.dirty
            or session.deleted
            or any(pending in session.info for pending in _PENDING)
        ):
            await self.meeting_counts.refresh()
            await self.funnel_counts.refresh()
            await self.episode_flows.refresh()
            await self.caseload_counts.refresh()
        await session.commit()

    async def flush(self) -> None:
        await self.session.flush()
