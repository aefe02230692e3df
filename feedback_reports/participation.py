"""Participation metrics for a period: how children took part in their meetings, and feedback.

Definitions (also printed in every report):
- A meeting is counted when `review.held_on` falls in the period (both ends included).
- Every percentage has the meetings held as its denominator (for feedback questions: the
  people who answered that question), rounded to one decimal place; with nothing to divide
  by it is null rather than 0, so "no meetings" never reads as "nobody took part".
- In timescale: `in_timescale` as recorded, or, when unknown, held on or before the due date.
- Attended: PN1-PN4; conveyed without attending: PN5-PN6; advocate: PN2 or PN5; not
  conveyed: PN7. Views via My Say: at least one child's run for that meeting was sent on or
  before the day it was held (UTC).
- Breakdowns by age band and gender hide any count under 5 (null in JSON, "<5" elsewhere),
  and any percentage built on a hidden count, so no child can be picked out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
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


class KindMetrics(_Model):
    held: int
    in_timescale_pct: float | None
    attended_pct: float | None
    conveyed_without_attending_pct: float | None
    advocate_pct: float | None
    not_conveyed_pct: float | None
    seen_before_pct: float | None
    views_via_bot_pct: float | None
    pn: dict[str, int]


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
    attended: int | None
    attended_pct: float | None
    conveyed_without_attending: int | None
    conveyed_without_attending_pct: float | None
    not_conveyed: int | None
    not_conveyed_pct: float | None
    views_via_bot: int | None
    views_via_bot_pct: float | None


class Breakdowns(_Model):
    age_band: dict[str, GroupMetrics]
    gender: dict[str, GroupMetrics]


class QuarterTrend(_Model):
    quarter: str
    held: int
    attended_pct: float | None
    views_via_bot_pct: float | None


class ReportOptions(_Model):
    """How the report was asked for, so a reader can tell two reports of a period apart."""

    year_start_month: int = Field(
        default=q.FINANCIAL_YEAR_START,
        ge=1,
        le=12,
        description="month the service's year starts; quarters count from it",
    )


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
    trend: dict[str, list[QuarterTrend]] = Field(description="per kind of meeting")
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
    # Looked-after reviews and conferences are never pooled: each figure is for one kind.
    of_kind = {kind: [m for m in meetings if m.kind == kind] for kind in REVIEW_KINDS}
    report = ParticipationReport(
        period=Period.model_validate({"from": start, "to": end}),
        generated_at=now,
        options=options,
        **{kind: _kind_metrics(of_kind[kind]) for kind in REVIEW_KINDS},
        funnel=await _funnel(uow, start, end, dialect),
        feedback=await _feedback(uow, start, end),
        breakdowns={
            kind: Breakdowns(
                age_band=_breakdown(of_kind[kind], "band", AGE_BANDS),
                gender=_breakdown(of_kind[kind], "gender", ()),
            )
            for kind in REVIEW_KINDS
        },
        trend={kind: _trend(of_kind[kind], periods) for kind in REVIEW_KINDS},
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


def _kind_metrics(rows: Sequence[Row]) -> KindMetrics:
    held = _sum(rows, "held")
    pn = {code: _sum(rows, "held", (code,)) for code in PARTICIPATION_CODES}
    return KindMetrics(
        held=held,
        in_timescale_pct=pct(_sum(rows, "in_timescale"), held),
        attended_pct=pct(_sum(rows, "held", q.ATTENDED), held),
        conveyed_without_attending_pct=pct(_sum(rows, "held", q.CONVEYED), held),
        advocate_pct=pct(_sum(rows, "held", q.ADVOCATE), held),
        not_conveyed_pct=pct(_sum(rows, "held", q.NOT_CONVEYED), held),
        seen_before_pct=pct(_sum(rows, "seen_before"), held),
        views_via_bot_pct=pct(_sum(rows, "views"), held),
        pn=pn,
    )


def _group_metrics(rows: Sequence[Row]) -> GroupMetrics:
    held = suppress(_sum(rows, "held"))
    counts = {
        "attended": suppress(_sum(rows, "held", q.ATTENDED)),
        "conveyed_without_attending": suppress(_sum(rows, "held", q.CONVEYED)),
        "not_conveyed": suppress(_sum(rows, "held", q.NOT_CONVEYED)),
        "views_via_bot": suppress(_sum(rows, "views")),
    }
    percentages = {f"{name}_pct": pct(count, held) for name, count in counts.items()}
    return GroupMetrics.model_validate({"held": held, **counts, **percentages})


def _breakdown(rows: Sequence[Row], field: str, order: tuple[str, ...]) -> dict[str, GroupMetrics]:
    grouped: dict[str, list[Row]] = {key: [] for key in order}
    for row in rows:
        grouped.setdefault(str(getattr(row, field)), []).append(row)
    return {key: _group_metrics(value) for key, value in grouped.items()}


def _trend(rows: Sequence[Row], periods: Sequence[q.Quarter]) -> list[QuarterTrend]:
    trend = []
    for quarter in periods:
        in_quarter = [r for r in rows if getattr(r, "quarter", None) == quarter.label]
        held = _sum(in_quarter, "held")
        trend.append(
            QuarterTrend(
                quarter=quarter.label,
                held=held,
                attended_pct=pct(_sum(in_quarter, "held", q.ATTENDED), held),
                views_via_bot_pct=pct(_sum(in_quarter, "views"), held),
            )
        )
    return trend


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
