"""Retention of a child's history for the annual report (periods in care, plans, IRO
allocations, challenges): it goes as a whole once nothing in it, nor a meeting, is newer than
`MYSAY_KEEP_EPISODES_MONTHS`, and never while something in it is open; on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select

from bot.app.retention import RetentionCounts, count_past_retention, enforce_retention
from bot.bootstrap import Services
from storage.models import (
    AuditEvent,
    CareEpisode,
    Challenge,
    Child,
    IroAllocation,
    PlanEpisode,
    Review,
    Staff,
)
from storage.uow import UnitOfWork
from tests.lifecycle.helpers import Seeded, add_child, at

# With the test clock at 2026-11-30 and 36 months kept: histories with nothing since 2023-11-30.
EXPECTED = RetentionCounts(care_episodes=3, plans=2, iro_allocations=2, challenges=2)
HISTORY = (CareEpisode, PlanEpisode, IroAllocation, Challenge)
Span = tuple[str, str | None]


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


async def _history(
    uow: UnitOfWork,
    child: Seeded,
    iro_id: int,
    *,
    care: tuple[Span, ...] = (("2020-01-10", "2022-06-01"),),
    plan: Span = ("2019-03-01", "2020-09-01"),
    allocation: Span = ("2020-01-10", "2022-06-01"),
    challenge: Span = ("2021-02-01", "2021-03-15"),
) -> None:
    """A child's history; by default all of it closed before the limit."""
    made = at("2026-01-05")
    rows: list[Any] = [
        CareEpisode(child_id=child.child_id, started_on=_day(start), ended_on=_day(end))
        for start, end in care
    ]
    rows += [
        PlanEpisode(
            child_id=child.child_id,
            started_on=_day(plan[0]),
            ended_on=_day(plan[1]),
            category="neglect",
        ),
        IroAllocation(
            child_id=child.child_id,
            iro_id=iro_id,
            started_on=_day(allocation[0]),
            ended_on=_day(allocation[1]),
        ),
        Challenge(
            child_id=child.child_id,
            raised_by_id=iro_id,
            raised_on=_day(challenge[0]),
            category="drift_and_delay",
            stage="informal",
            resolved_on=_day(challenge[1]),
            outcome="resolved" if challenge[1] else None,
        ),
    ]
    for row in rows:
        row.created_at = made
        uow.episodes.add(row)
    await uow.flush()


async def _seed(services: Services) -> tuple[set[int], set[int]]:
    """Children whose history goes, and children whose history stays (each says why)."""
    async with services.uow() as uow:
        iro = Staff(username="iro_h", name="IRO", role="iro", created_at=at("2019-01-01"))
        uow.session.add(iro)
        await uow.flush()
        # Last met 2022 and everything closed by mid-2022: the whole history goes.
        gone = await add_child(uow, "H-GONE", "2019-01-01", [("2022-05-01", "2022-05-01")])
        await _history(uow, gone, iro.id)
        # No meeting recorded; two periods in care, the last ended the day before the limit.
        imported = await add_child(uow, "H-IMPORTED", "2026-01-05")
        await _history(
            uow,
            imported,
            iro.id,
            care=(("2018-02-01", "2019-02-01"), ("2020-01-10", "2023-11-29")),
        )
        # The same old history, but a meeting since: the child is still known; all of it stays.
        met = await add_child(uow, "H-MET", "2019-01-01", [("2024-06-01", "2024-06-01")])
        await _history(uow, met, iro.id)
        # A meeting due and not held yet counts as the last meeting too.
        due = await add_child(uow, "H-DUE", "2019-01-01", [("2027-01-10", None)])
        await _history(uow, due, iro.id)
        # Still in care since 2018 (no end): nothing of it goes, not even the old plan.
        in_care = await add_child(uow, "H-IN-CARE", "2019-01-01", [("2019-05-01", "2019-05-01")])
        await _history(uow, in_care, iro.id, care=(("2018-01-01", None),))
        # A challenge never resolved keeps the history.
        unresolved = await add_child(uow, "H-OPEN-ISSUE", "2019-01-01")
        await _history(uow, unresolved, iro.id, challenge=("2020-06-01", None))
        # An allocation that ended on the limit's own day is not older than it.
        on_the_day = await add_child(uow, "H-ON-THE-DAY", "2019-01-01")
        await _history(uow, on_the_day, iro.id, allocation=("2020-01-10", "2023-11-30"))
        await uow.commit()
    return {gone.child_id, imported.child_id}, {
        c.child_id for c in (met, due, in_care, unresolved, on_the_day)
    }


async def _children_with_history(services: Services) -> dict[type[Any], set[int]]:
    async with services.uow() as uow:
        return {model: set(await uow.session.scalars(select(model.child_id))) for model in HISTORY}


async def test_a_dry_run_counts_each_kind_of_a_past_history_and_deletes_nothing(
    services: Services,
) -> None:
    await _seed(services)
    before = await _children_with_history(services)

    assert await count_past_retention(services) == EXPECTED

    assert await _children_with_history(services) == before


async def test_a_history_goes_whole_once_nothing_in_it_is_open_or_recent(
    services: Services,
) -> None:
    gone, kept = await _seed(services)
    progress: list[tuple[str, int, int]] = []

    done = await enforce_retention(services, progress=lambda *line: progress.append(line), batch=1)

    assert done == EXPECTED
    assert [line for line in progress if line[0] == "child_histories"] == [
        ("child_histories", 1, 1),
        ("child_histories", 1, 2),
    ]
    # Every kind of row of the kept children stays; none of the others' is left.
    assert await _children_with_history(services) == dict.fromkeys(HISTORY, kept)
    async with services.uow() as uow:
        # The children and their meetings stay: the meetings' figures do not change.
        children = set(await uow.session.scalars(select(Child.id)))
        met = set(await uow.session.scalars(select(Review.child_id)))
        enforced = await uow.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "retention_enforced")
        )
    assert gone | kept <= children and gone & met
    assert enforced is not None
    assert {kind: enforced[kind] for kind in ("care_episodes", "challenges")} == {
        "care_episodes": 3,
        "challenges": 2,
    }
    assert (await enforce_retention(services, batch=1)).total == 0


async def test_a_longer_keeping_period_keeps_a_history_the_default_would_delete(
    services: Services,
) -> None:
    await _seed(services)
    longer = replace(
        services, settings=services.settings.model_copy(update={"keep_episodes_months": 48})
    )

    assert await count_past_retention(longer) == RetentionCounts(
        care_episodes=1, plans=1, iro_allocations=1, challenges=1
    )
