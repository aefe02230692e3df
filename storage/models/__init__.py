"""SQLAlchemy 2 models: the tables My Say keeps, one module per area.

Free text never sits in a plain column: columns ending in `_cipher` hold Fernet tokens
written and read only through `storage.crypto.TextCipher` by the repositories.

Every name is read from here (`from storage.models import Run`). Importing this package
imports every module, so `Base.metadata` holds every table (Alembic's autogenerate reads it).
"""

from storage.models.base import (
    MAY_QUOTE,
    NAMING,
    OPEN_RUN,
    OWN_WORDS,
    PARTICIPATION_CODES,
    REVIEW_KINDS,
    Base,
    UtcDateTime,
    add_postgresql_conditions,
)
from storage.models.delivery import (
    InboundUpdate,
    OutboxMessage,
    ProcessedUpdate,
    ReminderSent,
    TelegramPrompt,
    WebChat,
)
from storage.models.kept_counts import (
    NO_DAY,
    AllocationMonthCount,
    EpisodeMonthCount,
    FunnelMonthCount,
    MeetingDueCount,
)
from storage.models.meetings import (
    CHALLENGE_CATEGORIES,
    CHALLENGE_OUTCOMES,
    CHALLENGE_STAGES,
    PLAN_CATEGORIES,
    CareEpisode,
    Challenge,
    IroAllocation,
    PlanEpisode,
    Review,
)
from storage.models.people import Child, Invitation, Participant, Staff, WebSession, WebSignIn
from storage.models.records import (
    AnswerSummary,
    AuditEvent,
    EpisodeFlow,
    ErasedChild,
    FeedbackCount,
    FeedbackMonthCount,
    FunnelCount,
    InvitationSummary,
    KeyCheck,
    MeetingCount,
    MeetingMonthCount,
    RunSummary,
    SentBeforeCount,
    SentBeforeMonthCount,
)
from storage.models.runs import Answer, ChildRequest, Flag, Run

# Re-exported where they have always been read from.
from storage.roles import PARTICIPANT_ROLES, STAFF_ROLES

__all__ = [
    "CHALLENGE_CATEGORIES",
    "CHALLENGE_OUTCOMES",
    "CHALLENGE_STAGES",
    "MAY_QUOTE",
    "NAMING",
    "NO_DAY",
    "OPEN_RUN",
    "OWN_WORDS",
    "PARTICIPANT_ROLES",
    "PARTICIPATION_CODES",
    "PLAN_CATEGORIES",
    "REVIEW_KINDS",
    "STAFF_ROLES",
    "AllocationMonthCount",
    "Answer",
    "AnswerSummary",
    "AuditEvent",
    "Base",
    "CareEpisode",
    "Challenge",
    "Child",
    "ChildRequest",
    "EpisodeFlow",
    "EpisodeMonthCount",
    "ErasedChild",
    "FeedbackCount",
    "FeedbackMonthCount",
    "Flag",
    "FunnelCount",
    "FunnelMonthCount",
    "InboundUpdate",
    "Invitation",
    "InvitationSummary",
    "IroAllocation",
    "KeyCheck",
    "MeetingCount",
    "MeetingDueCount",
    "MeetingMonthCount",
    "OutboxMessage",
    "Participant",
    "PlanEpisode",
    "ProcessedUpdate",
    "ReminderSent",
    "Review",
    "Run",
    "RunSummary",
    "SentBeforeCount",
    "SentBeforeMonthCount",
    "Staff",
    "TelegramPrompt",
    "UtcDateTime",
    "WebChat",
    "WebSession",
    "WebSignIn",
    "add_postgresql_conditions",
]
