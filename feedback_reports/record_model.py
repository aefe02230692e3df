"""The review-record summary as data: what `build_review_record` (`feedback_reports.record`)
returns and the renderers in `feedback_reports.render_record` read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from conversations.catalogue import DEFAULT_LOCALE
from conversations.languages import language_name


class ReportError(Exception):
    """A report cannot be made as asked; the message says why.

    Kept here, with the record's data rather than its queries, so that the channels that
    catch it do not load the queries before a record is first asked for.
    """


@dataclass(frozen=True)
class AnswerLine:
    """One answered question: option words, or the participant's own words."""

    question: str
    answer: str
    own_words: bool = False
    # Other themes the words mention, in words ("family time"); a hint, never a judgement.
    mentions: tuple[str, ...] = ()
    # The language the words were written in: shown as written, labelled when not English.
    locale: str = DEFAULT_LOCALE

    @property
    def answered_in(self) -> str | None:
        """'answered in Polish' for own words in another language than English, else None."""
        if not self.own_words or self.locale == DEFAULT_LOCALE:
            return None
        return f"answered in {language_name(self.locale)}"


@dataclass(frozen=True)
class ThemeGroup:
    theme: str
    title: str
    answers: tuple[AnswerLine, ...]


@dataclass(frozen=True)
class TakingPart:
    attend: str | None = None
    talk_to_iro_first: str | None = None
    advocate: str | None = None
    who_at_meeting: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mood:
    question: str
    words: str
    face: str | None
    on: date | None


@dataclass(frozen=True)
class Change:
    """How a scale answer moved since the previous review: better, worse or same."""

    question: str
    before: str
    now: str
    direction: str


@dataclass(frozen=True)
class FlagLine:
    level: str
    status: str
    raised_on: date


@dataclass(frozen=True)
class RequestLine:
    """Something the child asked for (to talk, an advocate) and where it has got to."""

    about: str
    status: str
    made_on: date


@dataclass(frozen=True)
class FamilyFeedback:
    role: str
    submitted_on: date | None
    answers: tuple[AnswerLine, ...]


@dataclass(frozen=True)
class Outcome:
    participation: str | None
    participation_words: str | None
    seen_before: bool | None
    held_on: date | None
    in_timescale: bool | None
    in_timescale_words: str
    note_to_child: str | None = None


@dataclass(frozen=True)
class ReviewRecord:
    """Everything a reader may see about one child's review, ready to render."""

    case_ref: str
    review_id: int
    review_kind: str
    due_date: date
    held_on: date | None
    reader: str
    reader_words: str
    generated_at: datetime
    child_runs: int
    # The child's sent views this reader may not see (the child chose who reads them).
    withheld_runs: int
    previous_review_due: date | None
    taking_part: TakingPart
    themes: tuple[ThemeGroup, ...]
    moods: tuple[Mood, ...]
    changes: tuple[Change, ...]
    flags: tuple[FlagLine, ...]
    requests: tuple[RequestLine, ...]
    family: tuple[FamilyFeedback, ...]
    outcome: Outcome | None
    notes: tuple[str, ...] = field(default=())
