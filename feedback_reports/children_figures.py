"""The children's figures of the annual report: in care, on a plan, plans, caseloads, challenges.

The database counts (`children_queries`); this module only adds up the grouped rows and
withholds small numbers, one `suppression.Table` per printed table, with every sum a reader
could use: a total and each breakdown of it, a count and its complement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

from feedback_reports import children_queries as cq
from feedback_reports import metrics_queries as q
from feedback_reports.children_model import (
    DFE_AGE_BANDS,
    DIMENSIONS,
    PLAN_MONTHS,
    Caseloads,
    Challenges,
    ChildrenFigures,
    ChildrenTable,
    IroCaseload,
    PlanFigures,
    Population,
)
from feedback_reports.figures import Rate
from feedback_reports.suppression import Table
from storage import codes
from storage.models import (
    CHALLENGE_CATEGORIES,
    CHALLENGE_STAGES,
    PLAN_CATEGORIES,
    CareEpisode,
    IroAllocation,
    PlanEpisode,
)
from storage.report_sql import years_before
from storage.uow import UnitOfWork

UNKNOWN, UNRECOGNISED = "unknown", "unrecognised"
# Children allocated on a day, by IRO (id, name), for the days counted already.
CountedCaseloads = dict[date, dict[tuple[int, str], int]]
# Each characteristic's groups, in the order printed, and how a stored value finds its group.
GROUPS: dict[str, tuple[str, ...]] = {
    "gender": (*codes.GENDER, UNKNOWN, UNRECOGNISED),
    "ethnicity": (*codes.ETHNICITY, UNKNOWN, UNRECOGNISED),
    "legal_status": (*codes.LEGAL_STATUS, UNKNOWN, UNRECOGNISED),
    "age_band": DFE_AGE_BANDS,
}


def _coded(read: Callable[[str], str]) -> Callable[[Any], str]:
    """The group of a stored code; values stored before imports were checked read alike.

    Every grouped row's codes are read, the same few values again and again: each once.
    """

    @lru_cache(maxsize=1024)
    def group(stored: Any) -> str:
        if stored is None or not str(stored).strip():
            return UNKNOWN
        try:
            return read(str(stored))
        except ValueError:
            return UNRECOGNISED

    return group


GROUP_OF: dict[str, Callable[[Any], str]] = {
    "gender": _coded(codes.gender),
    "ethnicity": _coded(codes.ethnicity),
    "legal_status": _coded(codes.legal_status),
    "age_band": str,
}


async def children_figures(
    uow: UnitOfWork,
    start: date,
    end: date,
    stage_days: dict[str, int],
    below: int,
    caseloads_now: bool = True,
    caseloads_counted: CountedCaseloads | None = None,
) -> ChildrenFigures:
    """Every children's table for the period [start, end], the snapshot taken on `end`.

    With no IRO allocations imported, the caseloads are each child's IRO today when
    `caseloads_now` (the report's own period), else none (the year before's tables).
    `caseloads_counted` holds the caseloads of the days counted already (a report beside
    the year before counts the day a year before its end twice otherwise).
    """
    dialect = q.dialect_of(uow.session)
    populations = {}
    for name, model in (("in_care", CareEpisode), ("on_plan", PlanEpisode)):
        # Read from the counts kept per month where they give the same answers (the usual
        # periods: years and quarters), else from the rows kept per episode.
        if cq.reads_month_ends(end):
            on_date = await _per_value(uow, cq.on_month_end_query(name, end))
        else:
            on_date = await _combined(uow, cq.on_date_query(model, end, dialect))
        flows: dict[str, Values] = {}
        for flow, column in (("started", "started_on"), ("ended", "ended_on")):
            if cq.reads_whole_months(start, end):
                flows[flow] = await _per_value(uow, cq.months_flow_query(name, start, end, flow))
            else:
                flows[flow] = await _combined(uow, cq.flow_query(model, start, end, column))
        populations[name] = Population(
            on_date=_children_table(on_date, below),
            **{flow: _children_table(values, below) for flow, values in flows.items()},
        )
    return ChildrenFigures(
        snapshot_on=end,
        **populations,
        plans=await _plans(uow, start, end, dialect, below),
        caseloads=await _caseloads(uow, end, caseloads_now, caseloads_counted or {}),
        challenges=await _challenges(uow, start, end, stage_days, dialect, below),
    )


# Children per characteristic (as `DIMENSIONS` names them) and its value as stored.
Values = dict[str, Counter[Any]]


async def _combined(uow: UnitOfWork, query: q.Query) -> Values:
    """Children per value from rows per combination of characteristics."""
    found: Values = {dimension: Counter() for dimension in DIMENSIONS}
    for row in await uow.session.execute(query):
        for dimension in DIMENSIONS:
            found[dimension][getattr(row, _column(dimension))] += int(row.children)
    return found


async def _per_value(uow: UnitOfWork, query: q.Query) -> Values:
    """Children per value from rows per characteristic's value (`dimension`, `value`)."""
    found: Values = {dimension: Counter() for dimension in DIMENSIONS}
    for row in await uow.session.execute(query):
        dimension = "age_band" if row.dimension == "band" else row.dimension
        found[dimension][row.value] += int(row.children)
    return found


def _children_table(values: Values, below: int) -> ChildrenTable:
    counts: dict[str, Counter[str]] = {dimension: Counter() for dimension in DIMENSIONS}
    for dimension, found in values.items():
        for value, children in found.items():
            counts[dimension][GROUP_OF[dimension](value)] += children
    table = Table(below)
    # Every child has one value of each characteristic, recorded or not.
    table.add("children", sum(values["gender"].values()), protect=True)
    for dimension, groups in GROUPS.items():
        for group in groups:
            table.add(f"{dimension}/{group}", counts[dimension][group])
        table.total("children", [f"{dimension}/{group}" for group in groups])
    table.suppress()
    return ChildrenTable(
        children=table.value("children"),
        **{
            dimension: {group: table.value(f"{dimension}/{group}") for group in groups}
            for dimension, groups in GROUPS.items()
        },
    )


def _column(dimension: str) -> str:
    return "band" if dimension == "age_band" else dimension


def _add_part(table: Table, whole: str, part: str, value: int) -> None:
    """A printed count inside a printed whole, and the hidden rest a reader could work out."""
    table.add(part, value)
    table.add(f"{part}/rest", table.number(whole) - value, shown=False)
    table.total(whole, [part, f"{part}/rest"])


def _add_nested(table: Table, whole: str, parts: dict[str, int]) -> None:
    """Counts each inside the one before (over 15 months, over 18, over 24) inside `whole`."""
    outer = whole
    for name, value in parts.items():
        _add_part(table, outer, name, value)
        outer = name


def _rate(table: Table, count: str, of: str) -> Rate:
    return Rate.of_counts(table.value(count), table.value(of))


async def _plans(uow: UnitOfWork, start: date, end: date, dialect: str, below: int) -> PlanFigures:
    session = uow.session
    started = {
        str(r.category): r for r in await session.execute(cq.plans_started_query(start, end))
    }
    open_on = {
        str(r.category): r for r in await session.execute(cq.plans_open_query(end, dialect))
    }
    ended = [
        (int(row.lasted), int(row.plans))
        for row in await session.execute(cq.plans_ended_query(start, end, dialect))
    ]
    table = Table(below)
    for key, rows in (("started", started), ("open", open_on)):
        table.add(key, sum(int(r.plans) for r in rows.values()), protect=True)
        for category in PLAN_CATEGORIES:
            found = rows.get(category)
            table.add(f"{key}/{category}", int(found.plans) if found else 0)
        table.total(key, [f"{key}/{category}" for category in PLAN_CATEGORIES])
    _add_part(table, "started", "repeat", sum(int(r.repeat or 0) for r in started.values()))
    table.add("ended", sum(plans for _, plans in ended), protect=True)
    _add_nested(
        table,
        "ended",
        {
            f"ended/{m}": sum(plans for lasted, plans in ended if cq.lasted_months_over(lasted, m))
            for m in PLAN_MONTHS
        },
    )
    _add_nested(
        table,
        "open",
        {
            f"open/{m}": sum(int(getattr(r, f"over_{m}")) for r in open_on.values())
            for m in PLAN_MONTHS
        },
    )
    table.suppress()
    return PlanFigures(
        started=table.value("started"),
        started_by_category={c: _rate(table, f"started/{c}", "started") for c in PLAN_CATEGORIES},
        open_by_category={c: _rate(table, f"open/{c}", "open") for c in PLAN_CATEGORIES},
        repeat=_rate(table, "repeat", "started"),
        ended_lasting_over={str(m): _rate(table, f"ended/{m}", "ended") for m in PLAN_MONTHS},
        open_lasting_over={str(m): _rate(table, f"open/{m}", "open") for m in PLAN_MONTHS},
    )


async def _caseloads(
    uow: UnitOfWork, day: date, now_without_allocations: bool, counted: CountedCaseloads
) -> Caseloads:
    before = years_before(day, 1)
    if not await uow.episodes.any_kept(IroAllocation):
        return await _caseloads_now(uow, before) if now_without_allocations else _no_caseloads(day)
    for on in (day, before):
        if on not in counted:
            rows = await uow.session.execute(cq.caseload_query(on))
            counted[on] = {(i, str(n)): int(c) for i, n, c in rows}
    now, then = counted[day], counted[before]
    per_iro = [
        IroCaseload(
            iro=name, children=now.get((iro_id, name), 0), year_before=then.get((iro_id, name), 0)
        )
        for iro_id, name in sorted(now.keys() | then.keys(), key=lambda key: key[1])
    ]
    return Caseloads(
        source="allocations",
        on=day,
        year_before_on=before,
        per_iro=per_iro,
        children=sum(now.values()),
        year_before=sum(then.values()),
        mean_per_iro=_mean(now.values()),
        mean_per_iro_year_before=_mean(then.values()),
    )


async def _caseloads_now(uow: UnitOfWork, year_before_on: date) -> Caseloads:
    """Each IRO's children today, from the IRO each child was imported or added with."""
    counts = await uow.children.count_by_iro()
    names = {staff.id: staff.name for staff in await uow.staff.list()}
    now = {names[iro_id]: n for iro_id, n in counts.items() if iro_id is not None}
    return Caseloads(
        source="children_iro_now",
        on=None,
        year_before_on=year_before_on,
        per_iro=[
            IroCaseload(iro=name, children=n, year_before=None) for name, n in sorted(now.items())
        ],
        children=sum(now.values()),
        year_before=None,
        mean_per_iro=_mean(now.values()),
        mean_per_iro_year_before=None,
    )


def _no_caseloads(day: date) -> Caseloads:
    return Caseloads(
        source="none",
        on=day,
        year_before_on=years_before(day, 1),
        per_iro=[],
        children=None,
        year_before=None,
        mean_per_iro=None,
        mean_per_iro_year_before=None,
    )


def _mean(values: Any) -> float | None:
    found = list(values)
    return round(sum(found) / len(found), 1) if found else None


async def _challenges(
    uow: UnitOfWork, start: date, end: date, stage_days: dict[str, int], dialect: str, below: int
) -> Challenges:
    rows = (await uow.session.execute(cq.challenges_query(start, end, stage_days, dialect))).all()
    by_category: Counter[str] = Counter()
    by_stage: Counter[str] = Counter()
    for row in rows:
        by_category[str(row.category)] += int(row.raised)
        by_stage[str(row.stage)] += int(row.raised)
    table = Table(below)
    table.add("raised", sum(int(row.raised) for row in rows), protect=True)
    for key, groups, counts in (
        ("category", CHALLENGE_CATEGORIES, by_category),
        ("stage", CHALLENGE_STAGES, by_stage),
    ):
        for group in groups:
            table.add(f"{key}/{group}", counts[group])
        table.total("raised", [f"{key}/{group}" for group in groups])
    _add_nested(
        table,
        "raised",
        {
            "resolved": sum(int(row.resolved or 0) for row in rows),
            "in_time": sum(int(row.in_time or 0) for row in rows),
        },
    )
    table.suppress()
    return Challenges(
        raised=table.value("raised"),
        by_category={c: table.value(f"category/{c}") for c in CHALLENGE_CATEGORIES},
        by_stage_reached={s: table.value(f"stage/{s}") for s in CHALLENGE_STAGES},
        resolved=_rate(table, "resolved", "raised"),
        resolved_in_timescale=_rate(table, "in_time", "resolved"),
        stage_days=stage_days,
    )
