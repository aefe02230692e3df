"""Repositories, one module per area; import them from here."""

from storage.repositories.caseload_counts import CaseloadCounts
from storage.repositories.challenges import ChallengeRepository
from storage.repositories.child_records import ChildRecords
from storage.repositories.delivery import OutboxRepository, UpdateLog
from storage.repositories.episode_flows import EpisodeFlows
from storage.repositories.episodes import EpisodeRepository
from storage.repositories.erasure import ErasureRepository
from storage.repositories.funnel_counts import FunnelCounts
from storage.repositories.housekeeping import Housekeeping
from storage.repositories.inbound import InboundUpdates, WaitingUpdate
from storage.repositories.meeting_counts import MeetingCounts
from storage.repositories.meetings import ReviewRepository, RunRepository
from storage.repositories.people import (
    ChildRepository,
    InvitationRepository,
    ParticipantRepository,
    StaffRepository,
    hash_code,
)
from storage.repositories.records import AuditRepository, FlagRepository
from storage.repositories.reminders import ReminderQueries
from storage.repositories.report_counts import ReportCounts
from storage.repositories.requests import RequestRepository
from storage.repositories.retention import RetentionQueries
from storage.repositories.summaries import KeptFigures
from storage.repositories.telegram import TelegramPromptRepository
from storage.repositories.web import WebAccessRepository
from storage.repositories.web_chats import WebChatRepository

__all__ = [
    "AuditRepository",
    "CaseloadCounts",
    "ChallengeRepository",
    "ChildRecords",
    "ChildRepository",
    "EpisodeFlows",
    "EpisodeRepository",
    "ErasureRepository",
    "FlagRepository",
    "FunnelCounts",
    "Housekeeping",
    "InboundUpdates",
    "InvitationRepository",
    "KeptFigures",
    "MeetingCounts",
    "OutboxRepository",
    "ParticipantRepository",
    "ReminderQueries",
    "ReportCounts",
    "RequestRepository",
    "RetentionQueries",
    "ReviewRepository",
    "RunRepository",
    "StaffRepository",
    "TelegramPromptRepository",
    "UpdateLog",
    "WaitingUpdate",
    "WebAccessRepository",
    "WebChatRepository",
    "hash_code",
]
