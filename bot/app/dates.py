"""Dates, times and meetings as staff and children read them, in the service's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.app.texts import message
from conversations import languages
from conversations.catalogue import DEFAULT_LOCALE


def moment_words(moment: datetime, zone: ZoneInfo, locale: str = DEFAULT_LOCALE) -> str:
    """'Fri 4 Dec, 6:42 pm' in the service's zone: what an alert's deadline reads like."""
    return languages.moment_words(moment.astimezone(zone), locale)


def day_words(day: date, locale: str = DEFAULT_LOCALE) -> str:
    """'Monday 7 December': a meeting's day as a child reads it, in their language."""
    return languages.day_words(day, locale)


@dataclass(frozen=True)
class MeetingKeys:
    """The catalogue keys of the bot's words for one kind of meeting (the report has the
    official names)."""

    staff: str  # as staff say it: "review", "initial conference"
    digest: str  # in the IRO's morning digest: "looked-after review"
    reminder: str  # a child's reminder: "Your review is..." or "Your meeting is..."


# By kind, as `conversations.review_kinds` lists them.
MEETING_KEYS = {
    "cla_review": MeetingKeys(
        "meeting.cla_review", "digest.kind.cla_review", "reminder.child_review"
    ),
    "icpc": MeetingKeys("meeting.icpc", "digest.kind.icpc", "reminder.child_meeting"),
    "rcpc": MeetingKeys("meeting.rcpc", "digest.kind.rcpc", "reminder.child_meeting"),
}


def meeting_kind(kind: str, locale: str = DEFAULT_LOCALE) -> str:
    """'review', 'initial conference' or 'review conference'; 'meeting' for any other kind."""
    keys = MEETING_KEYS.get(kind)
    return message(keys.staff if keys else "meeting.other", locale)
