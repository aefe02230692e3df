"""What a conversation's use cases tell a channel to show: the engine's events for one
action, the bot's own notices around them, and a person's open or sent runs.

Shared by every use case that answers a participant (`bot.app.conversation`, the outcome
form, challenges, languages) and read by each channel's adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.app.safeguarding import Screened
from conversations.catalogue import DEFAULT_LOCALE
from conversations.events import Event, SummaryItem


class Notice(StrEnum):
    """Things the bot tells a participant that are not part of a flow."""

    not_linked = "not_linked"
    staff_only = "staff_only"
    no_review = "no_review"
    no_meeting_yet = "no_meeting_yet"
    no_open_run = "no_open_run"
    stale_button = "stale_button"
    resumed = "resumed"
    duplicate = "duplicate"
    cancelled_nothing = "cancelled_nothing"
    other_paused = "other_paused"
    checkin_for_children = "checkin_for_children"
    no_meeting_that_day = "no_meeting_that_day"
    outcome_replaces = "outcome_replaces"
    already_sent = "already_sent"
    language_changed = "language_changed"
    # Typed words that are a command there is none of: never taken as an answer.
    unknown_command = "unknown_command"
    # The same, for a command only staff have, typed by a child or family.
    staff_command = "staff_command"


@dataclass(frozen=True)
class Outcome:
    """What to show after one action; `events` come from the engine."""

    events: tuple[Event, ...] = ()
    run_id: int | None = None
    notices: tuple[Notice, ...] = ()
    screening: Screened | None = None
    # The question the run was on is dealt with (answered, or offered again below): a
    # channel that shows buttons under it takes them away.
    tidy: bool = False
    # Said before the events, after the notices (for example other meetings to pick from).
    lines: tuple[str, ...] = ()
    # The language the person reads: the bot's words around the events are in it too.
    locale: str = DEFAULT_LOCALE


@dataclass(frozen=True)
class Position:
    """Where a person's open run is: its prompt (in the run's language), what it answered
    before, and for whom."""

    outcome: Outcome
    answered: tuple[SummaryItem, ...] = ()
    age_band: str | None = None


@dataclass(frozen=True)
class SentRun:
    """One run the participant sent, for /myanswers."""

    flow_title: str
    submitted_on: date
    share_with: str | None
    answers: tuple[tuple[str, str], ...]
