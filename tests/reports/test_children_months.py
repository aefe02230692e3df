"""The children's tables read from the counts kept per month say what the rows kept per episode
say, on every month's last day and for periods of whole months, on SQLite and PostgreSQL.

Children born on any day (29 February too, or on an unknown one) with several periods in care
and plans, some open, some ending in the month they start, are written through the unit of
work, which keeps the months; each reading per month is compared with the same figures counted
from the rows per episode, characteristic by characteristic.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

from bot.bootstrap import Services
from feedback_reports import children_queries as cq
from feedback_reports import metrics_queries as q
from storage.models import CareEpisode, Child, PlanEpisode
from storage.report_sql import month_end
from storage.uow import UnitOfWork
from tests.support import FIXED_NOW

DIMENSIONS = ("gender", "ethnicity", "legal_status", "band")
POPULATIONS = (("in_care", CareEpisode), ("on_plan", PlanEpisode))
# Children per characteristic and value, with none left out ('' and None both unrecorded).
Values = dict[tuple[str, Any], int]


def _month_ends(first: date, last: date) -> list[date]:
    found, day = [], first
    while day <= last:
        found.append(month_end(day))
        day = month_end(day) + timedelta(days=1)
    return found


async def _write_children(services: Services, rng: random.Random) -> None:
    """Children with periods in care and plans that never overlap, written and committed."""
    async with services.uow() as uow:
        for number in range(60):
            birth = (
                rng.choice([None, date(2012, 2, 29), date(2020, 2, 29)])
                if number < 6
                else (date(2005, 1, 1) + timedelta(days=rng.randrange(20 * 365)))
            )
            child = Child(
                case_ref=f"M{number:03d}",
                birth_date=birth,
                gender=rng.choice([None, "1", "2", "9"]),
                ethnicity=rng.choice([None, "WBRI", "MWBC"]),
                legal_status=rng.choice([None, "C2", "V2"]),
                created_at=FIXED_NOW,
            )
            uow.session.add(child)
            await uow.flush()
            for model in (CareEpisode, PlanEpisode):
                day = date(2018, 1, 1) + timedelta(days=rng.randrange(700))
                for _ in range(rng.randrange(4)):
                    # Some end in the month they start, some run on, the last may be open.
                    ended = day + timedelta(days=rng.choice([0, 3, 40, 200, 700, 1500]))
                    open_ = rng.random() < 0.2
                    extra = {"legal_status": rng.choice([None, "C1"])}
                    if model is PlanEpisode:
                        extra = {"category": "neglect"}
                    uow.session.add(
                        model(
                            child_id=child.id,
                            started_on=day,
                            ended_on=None if open_ else ended,
                            created_at=FIXED_NOW,
                            **extra,
                        )
                    )
                    if open_:
                        break
                    day = ended + timedelta(days=rng.choice([1, 20, 90]))
        await uow.commit()


async def _per_value(uow: UnitOfWork, query: q.Query) -> Values:
    rows = await uow.session.execute(query)
    found = Counter({(r.dimension, r.value or None): int(r.children) for r in rows})
    return {key: n for key, n in found.items() if n}


async def _combined(uow: UnitOfWork, query: q.Query) -> Values:
    found: Counter[tuple[str, Any]] = Counter()
    for row in await uow.session.execute(query):
        for dimension in DIMENSIONS:
            found[(dimension, getattr(row, dimension) or None)] += int(row.children)
    return {key: n for key, n in found.items() if n}


async def test_the_months_kept_give_the_children_the_episodes_give(services: Services) -> None:
    await _write_children(services, random.Random(16))
    days = _month_ends(date(2017, 12, 1), date(2031, 12, 31))
    # A 28 February 1, 5, 10 or 16 years after a leap year's is read from the rows per episode.
    assert not cq.reads_month_ends(date(2025, 2, 28))
    assert cq.reads_month_ends(date(2024, 2, 29)) and cq.reads_month_ends(date(2027, 2, 28))
    periods = [(date(year, 4, 1), date(year + 1, 3, 31)) for year in range(2017, 2027)]
    periods += [(date(2020, 1, 1), date(2020, 1, 31)), (date(2019, 7, 1), date(2024, 6, 30))]
    compared = 0
    async with services.uow() as uow:
        dialect = q.dialect_of(uow.session)
        for name, model in POPULATIONS:
            for day in days:
                if not cq.reads_month_ends(day):
                    continue
                kept = await _per_value(uow, cq.on_month_end_query(name, day))
                assert kept == await _combined(uow, cq.on_date_query(model, day, dialect)), day
                compared += bool(kept)
            for start, end in periods:
                assert cq.reads_whole_months(start, end)
                for flow, column in (("started", "started_on"), ("ended", "ended_on")):
                    kept = await _per_value(uow, cq.months_flow_query(name, start, end, flow))
                    counted = await _combined(uow, cq.flow_query(model, start, end, column))
                    assert kept == counted, (name, flow, start)
                    compared += bool(kept)
    # Most days and periods had children to compare.
    assert compared > 250
