"""Dates, times and meetings as staff and children read them, in the service's time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.app.texts import message
from conversations.catalogue import DEFAULT_LOCALE


def moment_words(moment: datetime, zone: ZoneInfo) -> str:
    """'Fri 4 Dec, 6:42 pm' in the service's zone: what an alert's deadline reads like."""
    local = moment.astimezone(zone)
    hour = local.hour % 12 or 12
    half = "am" if local.hour < 12 else "pm"
    return f"{local:%a} {local.day} {local:%b}, {hour}:{local:%M} {half}"


def day_words(day: date) -> str:
    """'Monday 7 December': a meeting's day as a child reads it."""
    return f"{day:%A} {day.day} {day:%B}"


# A meeting's kind in a staff member's words (the report has the official names).
MEETING_KEYS = {
    "cla_review": "meeting.cla_review",
    "icpc": "meeting.icpc",
    "rcpc": "meeting.rcpc",
}


def meeting_kind(kind: str, locale: str = DEFAULT_LOCALE) -> str:
    """'review', 'initial conference' or 'review conference'; 'meeting' for any other kind."""
    return message(MEETING_KEYS.get(kind, "meeting.other"), locale)
