"""A generated year's report against a recount made straight from its rows, on both databases.

The year is random (seeded): every kind of meeting, every PN code and none, "seen before"
blank, meetings due and never held or held after the period, children with no birth date or
gender, and children's runs sent before and after their meetings. The recount below reads
the stored rows back with plain selects and counts them in Python, by the definitions the
report prints, so the report's queries can be made faster without its figures moving.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.app import admin
from bot.bootstrap import Services
from conversations.review_kinds import REVIEW_KINDS
from feedback_reports.participation import build_participation_report
from feedback_reports.participation_model import ParticipationReport, ReportOptions
from storage import codes
from storage.models import PARTICIPATION_CODES, Child, Participant, Review, Run
from tests.reports.helpers import participant, run

START, END = date(2026, 1, 1), date(2026, 12, 31)
NOW = datetime(2027, 1, 10, 12, tzinfo=UTC)
CHILDREN = 90
FIRST_DUE = date(2025, 10, 1)
CODES = [*PARTICIPATION_CODES, None]
GENDERS = ["1", "2", "male", "Female", None]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


async def _generate(services: Services, seed: int) -> None:
    """Children, meetings due from October before the period to January after, and
    children's runs."""
    rng = random.Random(seed)
    async with services.uow() as uow:
        children = [
            Child(
                case_ref=f"G{i:04d}",
                birth_date=None if i % 11 == 0 else _day(rng, date(2008, 1, 1), date(2025, 6, 1)),
                gender=rng.choice(GENDERS),
                created_at=NOW,
            )
            for i in range(CHILDREN)
        ]
        uow.session.add_all(children)
        await uow.flush()
        reviews = []
        for child in children:
            for slot in range(4):  # slots of 120 days apart: (child, kind, due) stays unique
                due = FIRST_DUE + timedelta(days=slot * 120 + rng.randrange(115))
                held = due + timedelta(days=rng.choice([-3, 0, 0, 2, 20]))
                never = rng.random() < 0.15 or held > NOW.date()
                reviews.append(
                    Review(
                        child_id=child.id,
                        kind=rng.choice(REVIEW_KINDS),
                        due_date=due,
                        held_on=None if never else held,
                        participation=None if never else rng.choice(CODES),
                        seen_before=None if never else rng.choice([True, False, None]),
                        in_timescale=None if never else rng.choice([None, None, True, False]),
                        created_at=NOW,
                    )
                )
        uow.session.add_all(reviews)
        await uow.flush()
        people = {c.id: await participant(uow, 1000 + c.id, "child", c.id) for c in children}
        for review in rng.sample(reviews, 120):
            sent = review.due_date + timedelta(days=rng.randrange(-30, 10))
            status = "submitted" if rng.random() < 0.85 else "waiting"
            await run(
                uow,
                people[review.child_id],
                review,
                "child_before_review",
                started=(sent - timedelta(days=1)).isoformat(),
                submitted=f"{sent.isoformat()}T{rng.choice(['00:30', '12:00', '23:30'])}",
                status=status,
            )
        await uow.commit()


@dataclass(frozen=True)
class Meeting:
    kind: str
    due: date
    held: date | None
    code: str | None
    seen_before: bool | None
    recorded_in_timescale: bool | None
    birth: date | None
    gender: str | None
    views: bool


async def _meetings(services: Services) -> list[Meeting]:
    """Every meeting as stored, with its child's details and whether views came before it."""
    async with services.uow() as uow:
        session = uow.session
        children = {c.id: c for c in await session.scalars(select(Child))}
        sent: dict[int, date] = {}
        query = (
            select(Run.review_id, Run.submitted_at)
            .join(Participant)
            .where(Participant.role == "child", Run.status == "submitted")
        )
        for review_id, submitted_at in await session.execute(query):
            if review_id is None or submitted_at is None:
                continue  # a check-in, or never sent
            day = _utc_day(submitted_at)
            sent[review_id] = min(day, sent.get(review_id, day))
        return [
            Meeting(
                kind=r.kind,
                due=r.due_date,
                held=r.held_on,
                code=r.participation,
                seen_before=r.seen_before,
                recorded_in_timescale=r.in_timescale,
                birth=children[r.child_id].birth_date,
                gender=children[r.child_id].gender,
                views=r.held_on is not None and r.id in sent and sent[r.id] <= r.held_on,
            )
            for r in await session.scalars(select(Review))
        ]


async def _days_sent_before(services: Services) -> list[int]:
    """Days from each child's run sent (its UTC day) to its meeting held in the period."""
    async with services.uow() as uow:
        query = (
            select(Run.submitted_at, Review.held_on)
            .join(Participant, Participant.id == Run.participant_id)
            .join(Review, Review.id == Run.review_id)
            .where(Participant.role == "child", Run.status == "submitted")
        )
        found = []
        for submitted_at, held in await uow.session.execute(query):
            if submitted_at is None or held is None:
                continue
            day = _utc_day(submitted_at)
            if START <= held <= END and day <= held:
                found.append((held - day).days)
        return found


def _utc_day(moment: datetime) -> date:
    """SQLite gives back naive UTC moments, PostgreSQL aware ones."""
    return moment.astimezone(UTC).date() if moment.tzinfo else moment.date()


def _age_band(birth: date | None, on: date) -> str:
    if birth is None:
        return "unknown"
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return "under_8" if age < 8 else "8_12" if age < 13 else "13_plus"


def _quarter(day: date) -> str:
    """England's financial-year quarter (April start), as the report labels it."""
    year = day.year if day.month >= 4 else day.year - 1
    return f"{year}-{(year + 1) % 100:02d} Q{(day.month - 4) % 12 // 3 + 1}"


def _rate(count: int, of: int) -> dict[str, Any]:
    return {"count": count, "of": of, "pct": None if of == 0 else round(100 * count / of, 1)}


def _group(meetings: list[Meeting]) -> dict[str, Any]:
    coded = [m for m in meetings if m.code is not None]
    return {
        "held": len(meetings),
        "participation_not_recorded": len(meetings) - len(coded),
        "attended": _rate(sum(m.code in ("PN1", "PN2", "PN3", "PN4") for m in coded), len(coded)),
        "conveyed_without_attending": _rate(
            sum(m.code in ("PN5", "PN6") for m in coded), len(coded)
        ),
        "not_conveyed": _rate(sum(m.code == "PN7" for m in coded), len(coded)),
        "views_via_bot": _rate(sum(m.views for m in meetings), len(meetings)),
    }


def _kind(all_meetings: list[Meeting], start: date, end: date) -> dict[str, Any]:
    held = [m for m in all_meetings if m.held is not None and start <= m.held <= end]
    due_not_held = sum(
        start <= m.due <= end and m.due < NOW.date() and (m.held is None or m.held > end)
        for m in all_meetings
    )
    timely = sum(
        m.recorded_in_timescale if m.recorded_in_timescale is not None else m.held <= m.due
        for m in held
        if m.held is not None
    )
    coded = [m for m in held if m.code is not None]
    seen_known = [m for m in held if m.seen_before is not None]
    group = _group(held)
    return {
        "held": len(held),
        "due_not_held": due_not_held,
        "in_timescale": _rate(timely, len(held)),
        "in_timescale_with_due_not_held": _rate(timely, len(held) + due_not_held),
        "pn": {c or "not_recorded": sum(m.code == c for m in held) for c in CODES},
        "attended": group["attended"],
        "conveyed_without_attending": group["conveyed_without_attending"],
        "advocate": _rate(sum(m.code in ("PN2", "PN5") for m in coded), len(coded)),
        "not_conveyed": group["not_conveyed"],
        "seen_before": _rate(sum(bool(m.seen_before) for m in seen_known), len(seen_known)),
        "seen_before_not_recorded": len(held) - len(seen_known),
        "views_via_bot": group["views_via_bot"],
    }


def _recount(meetings: list[Meeting], kind: str) -> dict[str, Any]:
    """The figures for one kind of meeting: main table, trend and breakdowns."""
    meetings = [m for m in meetings if m.kind == kind]
    held = [m for m in meetings if m.held is not None and START <= m.held <= END]
    quarters = sorted({_quarter(d) for d in (START, END, date(2026, 5, 1), date(2026, 8, 1))})
    bands = ("under_8", "8_12", "13_plus", "unknown")
    by_band = {b: [m for m in held if m.held and _age_band(m.birth, m.held) == b] for b in bands}
    genders = Counter(codes.gender_group(m.gender) for m in held)
    return {
        "main": _kind(meetings, START, END),
        "previous": _kind(meetings, date(2025, 1, 1), date(2025, 12, 31)),
        "trend": [
            {"quarter": q, **_group([m for m in held if m.held and _quarter(m.held) == q])}
            for q in quarters
        ],
        "age_band": {band: _group(found) for band, found in by_band.items()},
        "gender": {
            g: _group([m for m in held if codes.gender_group(m.gender) == g]) for g in genders
        },
    }


def _figures(report: ParticipationReport, kind: str) -> dict[str, Any]:
    dumped = report.model_dump(mode="json", by_alias=True)
    assert dumped["previous"] is not None
    return {
        "main": dumped[kind],
        "previous": dumped["previous"][kind],
        "trend": dumped["trend"][kind],
        "age_band": dumped["breakdowns"][kind]["age_band"],
        "gender": {
            g: figures
            for g, figures in dumped["breakdowns"][kind]["gender"].items()
            if figures["held"] != 0
        },
    }


async def test_a_generated_years_figures_match_a_recount_from_its_rows(
    services: Services,
) -> None:
    await _generate(services, seed=16)
    meetings = await _meetings(services)
    # Nothing withheld, so every count can be compared.
    options = ReportOptions(suppress_below=1)
    async with services.uow() as uow:
        report = await build_participation_report(uow, START, END, now=NOW, options=options)
    for kind in REVIEW_KINDS:
        found, expected = _figures(report, kind), _recount(meetings, kind)
        for part in expected:
            assert found[part] == expected[part], (kind, part)
    # The generated year has what the figures must handle, so none is compared vacuously.
    held = [m for m in meetings if m.held is not None and START <= m.held <= END]
    assert {m.kind for m in held} == set(REVIEW_KINDS)
    assert {m.code for m in held} == set(CODES)
    assert None in {m.seen_before for m in held} and any(m.views for m in held)
    assert all(report.model_dump()[k]["due_not_held"] > 0 for k in REVIEW_KINDS)
    days = await _days_sent_before(services)
    assert len(days) > 10
    assert report.funnel.sent_before_meeting == len(days)
    assert report.funnel.median_days_sent_before_meeting == statistics.median(days)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (START, END),  # whole months only
        (date(2026, 1, 15), date(2026, 11, 20)),  # days before and after the whole months
        (date(2026, 2, 3), date(2026, 2, 20)),  # days only
        (date(2025, 12, 31), date(2026, 2, 1)),  # a day, a month, a day
    ],
)
async def test_the_meetings_counts_kept_per_day_give_what_counting_the_rows_gives(
    services: Services, start: date, end: date
) -> None:
    """Every meeting chaired by one IRO: her report, counted from the meetings' rows, and the
    service's, read from the counts kept per month and per day, give the same meetings'
    figures, for whole months and the days around them."""
    await _generate(services, seed=17)
    async with services.uow() as uow:
        chair = await admin.add_staff(uow, "chair", "Chair", "iro", None, NOW)
        await uow.flush()
        await uow.session.execute(update(Review).values(chair_id=chair.id))
        await uow.commit()
    reports = []
    for chaired_by in (None, "chair"):
        options = ReportOptions(suppress_below=1, chaired_by=chaired_by)
        async with services.uow() as uow:
            reports.append(
                await build_participation_report(uow, start, end, now=NOW, options=options)
            )
    service, chaired = (report.model_dump() for report in reports)
    for kind in REVIEW_KINDS:
        assert service[kind] == chaired[kind], kind
        assert service["breakdowns"][kind] == chaired["breakdowns"][kind], kind
        assert service["trend"][kind] == chaired["trend"][kind], kind
    assert service["cla_review"]["held"] > 0
