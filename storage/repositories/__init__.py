"""Repositories, one module per area; import them from here."""

from storage.repositories.delivery import OutboxRepository, UpdateLog
from storage.repositories.housekeeping import Housekeeping
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
from storage.repositories.requests import RequestRepository

__all__ = [
    "AuditRepository",
    "ChildRepository",
    "FlagRepository",
    "Housekeeping",
    "InvitationRepository",
    "OutboxRepository",
    "ParticipantRepository",
    "ReminderQueries",
    "RequestRepository",
    "ReviewRepository",
    "RunRepository",
    "StaffRepository",
    "UpdateLog",
    "hash_code",
]
