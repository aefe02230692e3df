"""Participation metrics for a period: how children took part in their meetings, and feedback.

Definitions (also printed in every report):
- A meeting is counted when `review.held_on` falls in the period (both ends included).
- Every percentage is shown with its count and what it is out of, rounded to one decimal
  place; with nothing to divide by it is null rather than 0, so "no meetings" never reads as
  "nobody took part". Participation rates are out of the meetings with a code recorded
  (less PN0 when it is left out); seen before, out of the meetings where it was recorded;
  in timescale and views via My Say, out of the meetings held; feedback, out of the people
  who answered that question. A meeting with no code recorded is counted apart, never as "no".
- In timescale: `in_timescale` as recorded, or, when unknown, held on or before the due date.
- Due, not held: due in the period and before the day the report was made, and not held by
  the period's end. In timescale is out of the meetings held, so it leaves these out; the
  second in-timescale figure counts them as late (out of held plus due, not held).
- Attended: PN1-PN4; conveyed without attending: PN5-PN6; advocate: PN2 or PN5; not
  conveyed: PN7. Views via My Say: at least one child's run for that meeting was sent on or
  before the day it was held (UTC).
- Breakdowns by age band and gender hide any count under 5 (null in JSON, "<5" elsewhere),
  and any percentage built on a hidden count, so no child can be picked out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Row as SqlRow

from feedback_reports import feedback_queries as fq
from feedback_reports import labels
from feedback_reports import metrics_queries as q
from storage.models import PARTICIPATION_CODES, REVIEW_KINDS
from storage.uow import UnitOfWork

SUPPRESS_BELOW = 5
AGE_BANDS = ("under_8", "8_12", "13_plus", "unknown")
QUOTE_LIMIT = 50
STAGES = ("invited", "joined", "started", "sent")
# A grouped row of `meetings_query`: kind, code, quarter, band, gender and sums.
Row = SqlRow[Any]
DEFINITIONS = [line.strip("- ") for line in (__doc__ or "").split("\n") if line.startswith("- ")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class Period(_Model):
    start: date = Field(alias="from")
    end: date = Field(alias="to")


class Rate(_Model):
    """A count, the denominator it is out of, and the percentage they make."""

    count: int | None
    of: int | None
    pct: float | None


class KindMetrics(_Model):
    held: int
    due_not_held: int = Field(description="due in the period, not held by its end")
    in_timescale: Rate = Field(description="of the meetings held")
    in_timescale_with_due_not_held: Rate = Field(
        description="of the meetings held and those due, not held (counted as late)"
    )
    pn: dict[str, int] = Field(description="meetings per code, and with no code recorded")
    attended: Rate = Field(description="of the meetings with a code (less PN0 if left out)")
    conveyed_without_attending: Rate
    advocate: Rate
    not_conveyed: Rate
    seen_before: Rate = Field(description="of the meetings where it was recorded")
    seen_before_not_recorded: int
    views_via_bot: Rate = Field(description="of the meetings held")


class FunnelCounts(_Model):
    invited: int | None
    joined: int | None
    started: int | None
    sent: int | None


class Funnel(_Model):
    by_audience: dict[str, FunnelCounts]
    by_age_band: dict[str, FunnelCounts] = Field(description="children only; <5 hidden")
    sent_before_meeting: int
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


class GroupMetrics(_Model):
    held: int | None
    participation_not_recorded: int | None
    attended: Rate
    conveyed_without_attending: Rate
    not_conveyed: Rate
    views_via_bot: Rate


class Breakdowns(_Model):
    age_band: dict[str, GroupMetrics]
    gender: dict[str, GroupMetrics]


class QuarterMetrics(GroupMetrics):
    quarter: str


class ReportOptions(_Model):
    """How the report was asked for, so a reader can tell two reports of a period apart."""

    year_start_month: int = Field(
        default=q.FINANCIAL_YEAR_START,
        ge=1,
        le=12,
        description="month the service's year starts; quarters count from it",
    )
    exclude_pn0: bool = Field(
        default=False, description="leave PN0 (under 4) out of the participation rates"
    )

    @property
    def rated_codes(self) -> tuple[str, ...]:
        """The codes the participation rates are out of."""
        return tuple(c for c in PARTICIPATION_CODES if not (self.exclude_pn0 and c == "PN0"))


class ParticipationReport(_Model):
    period: Period
    generated_at: datetime
    options: ReportOptions
    cla_review: KindMetrics
    icpc: KindMetrics
    rcpc: KindMetrics
    funnel: Funnel
    feedback: Feedback
    breakdowns: dict[str, Breakdowns] = Field(description="per kind of meeting")
    trend: dict[str, list[QuarterMetrics]] = Field(description="per kind of meeting")
    definitions: list[str]

    def kinds(self) -> dict[str, KindMetrics]:
        """Return the per-kind metrics keyed by review kind."""
        return {kind: getattr(self, kind) for kind in REVIEW_KINDS}


def pct(part: int | None, whole: int | None) -> float | None:
    """Return part/whole as a percentage to one place, or None if either is unknown or 0 whole."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def suppress(count: int) -> int | None:
    """Hide a small count that could identify a child."""
    return count if count >= SUPPRESS_BELOW else None


async def build_participation_report(
    uow: UnitOfWork,
    start: date,
    end: date,
    actor: str = "cli",
    *,
    now: datetime | None = None,
    options: ReportOptions | None = None,
) -> ParticipationReport:
    """Compute the period's metrics in the database, record an audit event and commit."""
    if end < start:
        raise ValueError("the period ends before it starts")
    now = now or datetime.now(UTC)
    options = options or ReportOptions()
    session, dialect = uow.session, q.dialect_of(uow.session)
    periods = q.quarters(start, end, options.year_start_month)
    meetings = (await session.execute(q.meetings_query(start, end, dialect, periods))).all()
    due_query = q.due_not_held_query(start, end, now.astimezone(UTC).date())
    due_not_held = {str(kind): int(n) for kind, n in await session.execute(due_query)}
    # Looked-after reviews and conferences are never pooled: each figure is for one kind.
    of_kind = {kind: [m for m in meetings if m.kind == kind] for kind in REVIEW_KINDS}
    report = ParticipationReport(
        period=Period.model_validate({"from": start, "to": end}),
        generated_at=now,
        options=options,
        **{
            kind: _kind_metrics(of_kind[kind], due_not_held.get(kind, 0), options)
            for kind in REVIEW_KINDS
        },
        funnel=await _funnel(uow, start, end, dialect),
        feedback=await _feedback(uow, start, end),
        breakdowns={
            kind: Breakdowns(
                age_band=_breakdown(of_kind[kind], "band", AGE_BANDS, options),
                gender=_breakdown(of_kind[kind], "gender", (), options),
            )
            for kind in REVIEW_KINDS
        },
        trend={kind: _trend(of_kind[kind], periods, options) for kind in REVIEW_KINDS},
        definitions=DEFINITIONS,
    )
    uow.audit.record(
        now, actor, "report_participation_generated", None, start=str(start), end=str(end)
    )
    await uow.commit()
    return report


def _sum(rows: Sequence[Row], field: str, codes: tuple[str, ...] | None = None) -> int:
    """Add up one column of grouped meeting rows, optionally only for some PN codes."""
    return sum(int(getattr(r, field) or 0) for r in rows if codes is None or r.code in codes)


def _rate(count: int | None, of: int | None) -> Rate:
    return Rate(count=count, of=of, pct=pct(count, of))


def _kind_metrics(rows: Sequence[Row], due_not_held: int, options: ReportOptions) -> KindMetrics:
    held = _sum(rows, "held")
    rated = _sum(rows, "held", options.rated_codes)
    seen, not_seen = _sum(rows, "seen_before"), _sum(rows, "seen_no")
    in_timescale = _sum(rows, "in_timescale")
    return KindMetrics(
        held=held,
        due_not_held=due_not_held,
        in_timescale=_rate(in_timescale, held),
        in_timescale_with_due_not_held=_rate(in_timescale, held + due_not_held),
        pn={code: _sum(rows, "held", (code,)) for code in (*PARTICIPATION_CODES, q.NO_CODE)},
        attended=_rate(_sum(rows, "held", q.ATTENDED), rated),
        conveyed_without_attending=_rate(_sum(rows, "held", q.CONVEYED), rated),
        advocate=_rate(_sum(rows, "held", q.ADVOCATE), rated),
        not_conveyed=_rate(_sum(rows, "held", q.NOT_CONVEYED), rated),
        seen_before=_rate(seen, seen + not_seen),
        seen_before_not_recorded=held - seen - not_seen,
        views_via_bot=_rate(_sum(rows, "views"), held),
    )


def _group_figures(rows: Sequence[Row], options: ReportOptions) -> dict[str, int]:
    return {
        "held": _sum(rows, "held"),
        "not_recorded": _sum(rows, "held", (q.NO_CODE,)),
        "rated": _sum(rows, "held", options.rated_codes),
        "attended": _sum(rows, "held", q.ATTENDED),
        "conveyed": _sum(rows, "held", q.CONVEYED),
        "not_conveyed": _sum(rows, "held", q.NOT_CONVEYED),
        "views": _sum(rows, "views"),
    }


def _group_metrics(
    rows: Sequence[Row], options: ReportOptions, hide: Callable[[int], int | None]
) -> dict[str, object]:
    """A group's figures, each count passed through `hide`."""
    n = {name: hide(value) for name, value in _group_figures(rows, options).items()}
    return {
        "held": n["held"],
        "participation_not_recorded": n["not_recorded"],
        "attended": _rate(n["attended"], n["rated"]),
        "conveyed_without_attending": _rate(n["conveyed"], n["rated"]),
        "not_conveyed": _rate(n["not_conveyed"], n["rated"]),
        "views_via_bot": _rate(n["views"], n["held"]),
    }


def _breakdown(
    rows: Sequence[Row], field: str, order: tuple[str, ...], options: ReportOptions
) -> dict[str, GroupMetrics]:
    grouped: dict[str, list[Row]] = {key: [] for key in order}
    for row in rows:
        grouped.setdefault(str(getattr(row, field)), []).append(row)
    return {
        key: GroupMetrics.model_validate(_group_metrics(value, options, suppress))
        for key, value in grouped.items()
    }


def _trend(
    rows: Sequence[Row], periods: Sequence[q.Quarter], options: ReportOptions
) -> list[QuarterMetrics]:
    return [
        QuarterMetrics.model_validate(
            {
                "quarter": quarter.label,
                **_group_metrics(
                    [r for r in rows if r.quarter == quarter.label], options, lambda n: n
                ),
            }
        )
        for quarter in periods
    ]


async def _funnel(uow: UnitOfWork, start: date, end: date, dialect: str) -> Funnel:
    audience: dict[str, Counter[str]] = {role: Counter() for role in q.AUDIENCES}
    bands: dict[str, Counter[str]] = {band: Counter() for band in AGE_BANDS}
    session = uow.session
    invitations = await session.execute(q.invitations_query(start, end, dialect))
    runs = await session.execute(q.runs_query(start, end, dialect))
    for row in [*invitations.mappings(), *runs.mappings()]:
        found = {stage: int(row[stage] or 0) for stage in STAGES if stage in row}
        audience[row["role"]].update(found)
        if row["role"] == "child":
            bands[row["band"]].update(found)
    days_query = q.days_before_meeting_query(start, end, dialect)
    days = Counter({int(d): int(n) for d, n in await session.execute(days_query)})
    return Funnel(
        by_audience={
            role: FunnelCounts(**{s: counts[s] for s in STAGES})
            for role, counts in audience.items()
        },
        by_age_band={
            band: FunnelCounts(**{s: suppress(counts[s]) for s in STAGES})
            for band, counts in bands.items()
        },
        sent_before_meeting=days.total(),
        median_days_sent_before_meeting=_median(days),
    )


def _median(counts: Counter[int]) -> float | None:
    """Return the median of values given as {value: how many times}."""
    total = counts.total()
    if total == 0:
        return None
    wanted = {(total - 1) // 2, total // 2}  # one middle position, or the two around it
    found, seen = [], 0
    for value in sorted(counts):
        found += [value for position in wanted if seen <= position < seen + counts[value]]
        seen += counts[value]
    return sum(found) / len(found)


async def _feedback(uow: UnitOfWork, start: date, end: date) -> Feedback:
    session = uow.session
    respondents = {role: 0 for role in fq.FAMILY}
    respondents.update(
        {str(r): int(n) for r, n in await session.execute(fq.respondents_query(start, end))}
    )
    chosen: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for flow_id, step_id, choice, count in await session.execute(
        fq.feedback_choices_query(start, end)
    ):
        chosen[(flow_id, step_id)][choice] = int(count)
    questions = {}
    rating: Counter[str] = Counter()
    for (flow_id, step_id), options in chosen.items():
        answered = sum(options.values())
        if step_id == "rating":
            rating.update(options)
        questions[step_id] = QuestionCounts(
            question=labels.question(flow_id, step_id),
            answered=answered,
            options={
                option: OptionCount(
                    label=labels.option(flow_id, step_id, option).words,
                    count=count,
                    pct=pct(count, answered),
                )
                for option, count in sorted(options.items())
            },
        )
    themes: Counter[str] = Counter()
    for joined, count in await session.execute(fq.feedback_themes_query(start, end)):
        themes.update({theme: int(count) for theme in str(joined).split(",") if theme})
    quotes = [
        text
        for answer in await session.scalars(fq.quotable_query(start, end, QUOTE_LIMIT))
        if (text := uow.runs.answer_text(answer))
    ]
    return Feedback(
        respondents=respondents,
        questions=questions,
        rating={str(n): rating[str(n)] for n in range(1, 6)},
        themes=dict(themes.most_common()),
        quotes=quotes,
    )
