"""Parents' feedback counted per month as it is sent: the months add up their days, equal a
recount, and a period reads its whole months and the days around them alike."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.app import admin
from bot.bootstrap import Services
from feedback_reports import feedback_queries as fq
from storage.models import FeedbackMonthCount
from storage.uow import UnitOfWork
from tests.reports.helpers import Given, participant, run
from tests.support import FIXED_NOW

# Sent at 23:30 UTC on 31 January (January's), on 1 and 14 February and on 1 March.
SENT = (("2025-01-31T23:30", "4"), ("2025-02-01", "5"), ("2025-02-14", "5"), ("2025-03-01", "3"))


async def _months(uow: UnitOfWork) -> list[tuple[object, ...]]:
    m = FeedbackMonthCount
    rows = await uow.session.execute(
        select(m.month, m.role, m.flow_id, m.step_id, m.measure, m.value, m.n)
    )
    return sorted((tuple(row) for row in rows), key=repr)


async def _chosen(services: Services, start: date, end: date) -> dict[str, int]:
    async with services.uow() as uow:
        rows = await uow.session.execute(fq.feedback_choices_query(start, end))
        return {str(value): int(n) for _flow, _step, value, n in rows}


async def test_feedback_kept_per_month_equals_a_recount_and_reads_like_the_days(
    services: Services,
) -> None:
    async with services.uow() as uow:
        child = await admin.add_child(uow, "F1", FIXED_NOW)
        await uow.flush()
        parent = await participant(uow, 1, "parent", child.id)
        for when, choice in SENT:
            rating = Given("rating", "scale", choice=choice)
            # The same themes on days of one month: one month's row, counted again alike.
            words = Given("better", "text", text="generated", text_themes="school")
            await run(
                uow, parent, None, "parent_feedback", rating, words, started=when, submitted=when
            )
        await uow.commit()
    async with services.uow() as uow:
        kept = await _months(uow)
        await uow.report_counts.recount()
        assert await _months(uow) == kept
    february = [row for row in kept if row[0] == date(2025, 2, 1)]
    assert ("choice", "5", 2) in [row[4:] for row in february]
    assert ("respondent", "", 2) in [row[4:] for row in february]
    assert ("themes", "school", 2) in [row[4:] for row in february]
    # A day, a whole month and a day; days only; a whole month only.
    assert await _chosen(services, date(2025, 1, 31), date(2025, 3, 1)) == {"4": 1, "5": 2, "3": 1}
    assert await _chosen(services, date(2025, 2, 2), date(2025, 2, 28)) == {"5": 1}
    assert await _chosen(services, date(2025, 2, 1), date(2025, 2, 28)) == {"5": 2}
