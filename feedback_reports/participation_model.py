"""The participation report as data: what `build_participation_report` returns and renderers read.

A count is a whole number, or "[c]" where it is withheld so that no child can be picked out
(see `suppression`). A percentage is null when there is nothing to divide by, and "[c]" when
its count or its denominator is withheld.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field, field_validator

from conversations.challenge_codes import default_stage_days
from conversations.review_kinds import REVIEW_KINDS
from feedback_reports.children_model import TARGETABLE_RATES, ChildrenFigures
from feedback_reports.figures import Count as Count
from feedback_reports.figures import Rate as Rate
from feedback_reports.figures import Share as Share
from feedback_reports.figures import _Model
from feedback_reports.figures import pct as pct
from feedback_reports.metrics_queries import FINANCIAL_YEAR_START
from feedback_reports.suppression import SUPPRESS_BELOW
from storage.models import CHALLENGE_STAGES, PARTICIPATION_CODES

# The percentages of the main table a service may set a target for (per kind of meeting).
MEETING_TARGETS = (
    "in_timescale",
    "in_timescale_with_due_not_held",
    "attended",
    "conveyed_without_attending",
    "advocate",
    "not_conveyed",
    "seen_before",
    "views_via_bot",
)
# Every percentage a service may set a target for: the meetings' and the children's.
TARGETABLE = (*MEETING_TARGETS, *TARGETABLE_RATES)


class Period(_Model):
    start: date = Field(alias="from")
    end: date = Field(alias="to")


class ReportOptions(_Model):
    """How the report was asked for, so a reader can tell two reports of a period apart."""

    year_start_month: int = Field(
        default=FINANCIAL_YEAR_START,
        ge=1,
        le=12,
        description="month the service's year starts; quarters count from it",
    )
    exclude_pn0: bool = Field(
        default=False, description="leave PN0 (under 4) out of the participation rates"
    )
    suppress_below: int = Field(
        default=SUPPRESS_BELOW,
        ge=1,
        le=100,
        description="counts from 1 up to this, exclusive, are withheld; 1 withholds none",
    )

    compare: bool = Field(
        default=True, description="show the same period a year before beside the main table"
    )
    chaired_by: str | None = Field(
        default=None,
        description="only the meetings this IRO (username) chaired; invitations, families' "
        "feedback and quotes stay those of the whole service",
    )
    targets: dict[str, float] = Field(
        default_factory=dict,
        description="the service's targets, as percentages, drawn on the charts",
    )
    challenge_stage_days: dict[str, int] = Field(
        default_factory=default_stage_days,
        description="the local timescale for resolving a challenge: days allowed per stage",
    )

    @field_validator("targets")
    @classmethod
    def _known_targets(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(TARGETABLE))
        if unknown:
            raise ValueError(f"no such figure {unknown}; targets are for {list(TARGETABLE)}")
        if any(not 0 <= target <= 100 for target in value.values()):
            raise ValueError("a target is a percentage from 0 to 100")
        return value

    @field_validator("challenge_stage_days")
    @classmethod
    def _every_stage(cls, value: dict[str, int]) -> dict[str, int]:
        if set(value) != set(CHALLENGE_STAGES) or any(days < 1 for days in value.values()):
            raise ValueError(f"give a number of days (1 or more) for each of {CHALLENGE_STAGES}")
        return {stage: value[stage] for stage in CHALLENGE_STAGES}

    @property
    def rated_codes(self) -> tuple[str, ...]:
        """The codes the participation rates are out of."""
        return tuple(c for c in PARTICIPATION_CODES if not (self.exclude_pn0 and c == "PN0"))


class KindMetrics(_Model):
    held: Count
    due_not_held: Count = Field(description="due in the period, not held by its end")
    in_timescale: Rate = Field(description="of the meetings held")
    in_timescale_with_due_not_held: Rate = Field(
        description="of the meetings held and those due, not held (counted as late)"
    )
    pn: dict[str, Count] = Field(description="meetings per code, and with no code recorded")
    attended: Rate = Field(description="of the meetings with a code (less PN0 if left out)")
    conveyed_without_attending: Rate
    advocate: Rate
    not_conveyed: Rate
    seen_before: Rate = Field(description="of the meetings where it was recorded")
    seen_before_not_recorded: Count
    views_via_bot: Rate = Field(description="of the meetings held")


class GroupMetrics(_Model):
    held: Count
    participation_not_recorded: Count
    attended: Rate
    conveyed_without_attending: Rate
    not_conveyed: Rate
    views_via_bot: Rate


class QuarterMetrics(GroupMetrics):
    quarter: str


class Breakdowns(_Model):
    age_band: dict[str, GroupMetrics]
    gender: dict[str, GroupMetrics]


class FunnelCounts(_Model):
    invited: Count
    joined: Count
    started: Count
    sent: Count


class Funnel(_Model):
    by_audience: dict[str, FunnelCounts]
    by_age_band: dict[str, FunnelCounts] = Field(description="children only")
    sent_before_meeting: Count
    median_days_sent_before_meeting: float | None


class OptionCount(_Model):
    label: str
    count: int
    pct: float | None


class QuestionCounts(_Model):
    question: str
    answered: int
    options: dict[str, OptionCount]


class Feedback(_Model):
    respondents: dict[str, int]
    questions: dict[str, QuestionCounts]
    rating: dict[str, int]
    themes: dict[str, int]
    quotes: list[str]


class Definition(_Model):
    """A term as the report prints it, and what it means."""

    term: str
    meaning: str


class _ByKind:
    """Reads the main table's columns, one per kind of meeting, by kind."""

    def kinds(self) -> dict[str, KindMetrics]:
        """Return the per-kind metrics keyed by review kind."""
        return {kind: getattr(self, kind) for kind in REVIEW_KINDS}


class PreviousPeriod(_Model, _ByKind):
    """The same period a year before: its main table, with its own small counts withheld."""

    period: Period
    cla_review: KindMetrics
    icpc: KindMetrics
    rcpc: KindMetrics
    children: ChildrenFigures | None = Field(
        default=None, description="the children's tables of the year before"
    )
    has_meetings: bool = Field(
        default=True,
        description="whether any meeting was held or due in it; if not, there is no data for "
        "that year and its column is shown as such, not as zeros",
    )


class ParticipationReport(_Model, _ByKind):
    period: Period
    generated_at: datetime
    options: ReportOptions
    cla_review: KindMetrics
    icpc: KindMetrics
    rcpc: KindMetrics
    previous: PreviousPeriod | None = Field(
        description="the same period a year before; none when not asked for"
    )
    funnel: Funnel
    feedback: Feedback
    children_quotes: list[str] = Field(
        description="children's own words after their meetings, quoted with their consent"
    )
    breakdowns: dict[str, Breakdowns] = Field(description="per kind of meeting")
    trend: dict[str, list[QuarterMetrics]] = Field(description="per kind of meeting")
    children: ChildrenFigures | None = Field(
        default=None,
        description="children in care and on a plan, plans, IRO caseloads and challenges; "
        "none when the meetings are limited to one IRO",
    )
    definitions: list[Definition]
