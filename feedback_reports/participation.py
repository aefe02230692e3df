"""Participation metrics for a period: how children took part in their meetings, and feedback.

The meetings' figures come from `meeting_figures` (per kind, suppressed together), the
invitations' and the families' here; `definitions` says what each figure means, in the words
printed with every report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime

from conversations.review_kinds import REVIEW_KINDS
from feedback_reports import feedback_queries as fq
from feedback_reports import labels
from feedback_reports import metrics_queries as q
from feedback_reports.children_figures import CountedCaseloads, children_figures
from feedback_reports.children_model import ChildrenFigures
from feedback_reports.definitions import definitions
from feedback_reports.meeting_figures import AGE_BANDS, KindFigures, kind_figures
from feedback_reports.participation_model import (
    Feedback,
    Funnel,
    FunnelCounts,
    OptionCount,
    ParticipationReport,
    Period,
    PreviousPeriod,
    QuestionCounts,
    ReportOptions,
    pct,
)
from feedback_reports.suppression import Table
from storage.report_sql import years_before
from storage.uow import UnitOfWork

QUOTE_LIMIT = 50
STAGES = q.FUNNEL_STAGES


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
    dialect = q.dialect_of(uow.session)
    for setting in q.report_settings(dialect):
        await uow.session.execute(setting)
    periods = q.quarters(start, end, options.year_start_month)
    figures = await _meeting_figures(uow, start, end, now, periods, options)
    # The day a year before the end is the year before's snapshot day too: counted once.
    caseloads: CountedCaseloads = {}
    report = ParticipationReport(
        period=Period.model_validate({"from": start, "to": end}),
        generated_at=now,
        options=options,
        **{kind: found.metrics for kind, found in figures.items()},
        previous=(
            await _previous(uow, start, end, now, options, caseloads) if options.compare else None
        ),
        funnel=await _funnel(uow, start, end, dialect, options),
        feedback=await _feedback(uow, start, end),
        children_quotes=await _quotes(uow, start, end, ("child",)),
        breakdowns={kind: found.breakdowns for kind, found in figures.items()},
        trend={kind: found.trend for kind, found in figures.items()},
        children=await _children(uow, start, end, options, caseloads=caseloads),
        definitions=definitions(options),
    )
    uow.audit.record(
        now, actor, "report_participation_generated", None, start=str(start), end=str(end)
    )
    await uow.commit()
    return report


async def _meeting_figures(
    uow: UnitOfWork,
    start: date,
    end: date,
    now: datetime,
    periods: list[q.Quarter],
    options: ReportOptions,
) -> dict[str, KindFigures]:
    session, dialect = uow.session, q.dialect_of(uow.session)
    chair_id = await _chair_id(uow, options.chaired_by)
    meetings_query = q.meetings_query(start, end, dialect, periods, chair_id)
    meetings = (await session.execute(meetings_query)).all()
    due_query = q.due_not_held_query(start, end, now.astimezone(UTC).date(), chair_id)
    due_not_held = {str(kind): int(n) for kind, n in await session.execute(due_query)}
    # Looked-after reviews and conferences are never pooled: each figure is for one kind.
    return {
        kind: kind_figures(
            [m for m in meetings if m.kind == kind], due_not_held.get(kind, 0), periods, options
        )
        for kind in REVIEW_KINDS
    }


async def _chair_id(uow: UnitOfWork, username: str | None) -> int | None:
    """The staff id of the IRO the report is limited to (None: every IRO)."""
    if username is None:
        return None
    staff = await uow.staff.by_username(username)
    if staff is None:
        raise ValueError(f"no staff member with username {username!r}")
    return staff.id


async def _previous(
    uow: UnitOfWork,
    start: date,
    end: date,
    now: datetime,
    options: ReportOptions,
    caseloads: CountedCaseloads,
) -> PreviousPeriod:
    """The main table of the same period a year before (its trend and breakdowns are not shown)."""
    before = Period.model_validate({"from": years_before(start, 1), "to": years_before(end, 1)})
    figures = await _meeting_figures(uow, before.start, before.end, now, [], options)
    return PreviousPeriod(
        period=before,
        **{kind: f.metrics for kind, f in figures.items()},
        has_meetings=any(
            f.metrics.held != 0 or f.metrics.due_not_held != 0 for f in figures.values()
        ),
        children=await _children(
            uow, before.start, before.end, options, caseloads_now=False, caseloads=caseloads
        ),
    )


async def _children(
    uow: UnitOfWork,
    start: date,
    end: date,
    options: ReportOptions,
    caseloads_now: bool = True,
    caseloads: CountedCaseloads | None = None,
) -> ChildrenFigures | None:
    """The children's tables, unless the report is one IRO's meetings (they are the service's)."""
    if options.chaired_by is not None:
        return None
    return await children_figures(
        uow,
        start,
        end,
        options.challenge_stage_days,
        options.suppress_below,
        caseloads_now,
        caseloads,
    )


async def _funnel(
    uow: UnitOfWork, start: date, end: date, dialect: str, options: ReportOptions
) -> Funnel:
    audience: dict[str, Counter[str]] = {role: Counter() for role in q.AUDIENCES}
    bands: dict[str, Counter[str]] = {band: Counter() for band in AGE_BANDS}
    session = uow.session
    for row in await session.execute(q.funnel_query(start, end, dialect)):
        stage, role, n = row.stage, row.role, int(row.n)
        audience[role][stage] = n
        if role == "child":
            # The age bands from their bounds, as `report_sql.age_band` draws them.
            under_8, under_13, unknown = int(row.under_8), int(row.under_13), int(row.unknown)
            found = {"under_8": under_8, "8_12": under_13 - under_8, "unknown": unknown}
            for band, count in (found | {"13_plus": n - unknown - under_13}).items():
                bands[band][stage] = count
    days_query = q.days_before_meeting_query(start, end)
    days = Counter({int(d): int(n) for d, n in await session.execute(days_query)})
    # Each audience's counts and the children's age bands under them, withheld together.
    table = Table(options.suppress_below)
    for stage in STAGES:
        for role, counts in audience.items():
            table.add(f"{role}/{stage}", counts[stage])
        for band, counts in bands.items():
            table.add(f"band/{band}/{stage}", counts[stage])
        table.total(f"child/{stage}", [f"band/{band}/{stage}" for band in bands])
    table.add("sent_before_meeting", days.total())
    table.suppress()
    return Funnel(
        by_audience={
            role: FunnelCounts(**{s: table.value(f"{role}/{s}") for s in STAGES})
            for role in audience
        },
        by_age_band={
            band: FunnelCounts(**{s: table.value(f"band/{band}/{s}") for s in STAGES})
            for band in bands
        },
        sent_before_meeting=table.value("sent_before_meeting"),
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


async def _quotes(uow: UnitOfWork, start: date, end: date, roles: tuple[str, ...]) -> list[str]:
    """Words these people agreed to have quoted, from runs sent in the period."""
    consent_steps = labels.packaged_words().steps_with_role("quote_consent")
    query = fq.quotable_query(start, end, QUOTE_LIMIT, consent_steps, roles)
    return [
        text
        for answer in await uow.session.scalars(query)
        if (text := uow.runs.answer_text(answer))
    ]


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
    # Counts span every version of a flow: words come from the newest version that has them.
    words = labels.packaged_words()
    for (flow_id, step_id), options in chosen.items():
        answered = sum(options.values())
        if words.role(flow_id, None, step_id) == "rating":
            rating.update(options)
        questions[step_id] = QuestionCounts(
            question=words.question(flow_id, None, step_id),
            answered=answered,
            options={
                option: OptionCount(
                    label=words.option(flow_id, None, step_id, option).words,
                    count=count,
                    pct=pct(count, answered),
                )
                for option, count in sorted(options.items())
            },
        )
    themes: Counter[str] = Counter()
    for joined, count in await session.execute(fq.feedback_themes_query(start, end)):
        themes.update({theme: int(count) for theme in str(joined).split(",") if theme})
    quotes = await _quotes(uow, start, end, fq.FAMILY)
    return Feedback(
        respondents=respondents,
        questions=questions,
        rating={str(n): rating[str(n)] for n in range(1, 6)},
        themes=dict(themes.most_common()),
        quotes=quotes,
    )
