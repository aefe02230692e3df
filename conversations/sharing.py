"""Who may read what a child sends: the `share_with` choices and the readers, typed once.

A flow offers the choices as the options of its share step; the review record shows a run
only to the readers its choice names. A run sent with no choice (a check-in, a parent's
feedback) reads as `IRO_ONLY`. The words for them live with whoever says them: the bot's in
its catalogue (`share.*`), the record's in `feedback_reports.record.READER_WORDS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

# Who reads a review record: the IRO, the child's social worker too, or everyone at the meeting.
Reader = Literal["iro", "social_worker", "meeting"]
READERS: tuple[Reader, ...] = get_args(Reader)


@dataclass(frozen=True)
class ShareChoice:
    """One answer to "who can see this?": its option id, and who reads a run sent with it."""

    id: str
    readers: tuple[Reader, ...]


SHARE_CHOICES: dict[str, ShareChoice] = {
    choice.id: choice
    for choice in (
        ShareChoice("iro", ("iro",)),
        ShareChoice("iro_and_social_worker", ("iro", "social_worker")),
        ShareChoice("everyone_at_meeting", ("iro", "social_worker", "meeting")),
    )
}
IRO_ONLY = SHARE_CHOICES["iro"]


def share_choice(option_id: str | None) -> ShareChoice:
    """Return the choice a run was sent with; none (or one no longer offered) is the IRO's."""
    return SHARE_CHOICES.get(option_id or "", IRO_ONLY)


def choices_shown_to(reader: Reader) -> tuple[str, ...]:
    """Return the option ids of the choices that let this reader see a run."""
    return tuple(choice.id for choice in SHARE_CHOICES.values() if reader in choice.readers)
