"""Age bands at a meeting: a child moves up on their birthday, 29 February too."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.app import admin
from bot.bootstrap import Services
from feedback_reports import metrics_queries as q
from storage.models import Child, Review
from storage.report_sql import age_band
from tests.support import FIXED_NOW


@pytest.mark.parametrize(
    ("birth", "held", "band"),
    [
        ("2017-03-01", "2025-02-28", "under_8"),  # a day before the 8th birthday
        ("2017-03-01", "2025-03-01", "8_12"),  # on it
        ("2016-02-29", "2024-02-28", "under_8"),  # born on 29 February...
        ("2016-02-29", "2024-02-29", "8_12"),  # ...is 8 on the next 29 February
        ("2012-02-29", "2025-02-28", "8_12"),  # ...and, in other years, on 1 March
        ("2012-02-29", "2025-03-01", "13_plus"),
        ("2011-03-01", "2024-02-29", "8_12"),
        (None, "2025-03-01", "unknown"),
    ],
)
async def test_age_bands_turn_on_the_birthday_on_both_databases(
    services: Services, birth: str | None, held: str, band: str
) -> None:
    async with services.uow() as uow:
        born = date.fromisoformat(birth) if birth else None
        await admin.add_child(uow, "C1", FIXED_NOW, birth_date=born)
        await uow.flush()
        on = date.fromisoformat(held)
        await admin.add_review(uow, "C1", "cla_review", on, on, FIXED_NOW)
        await uow.commit()
    async with services.uow() as uow:
        dialect = q.dialect_of(uow.session)
        # On the meeting's day as stored, and on a day given (a period's end, for invitations).
        found = await uow.session.execute(
            select(
                age_band(Child.birth_date, Review.held_on, dialect),
                age_band(Child.birth_date, on, dialect),
            )
            .select_from(Review)
            .join(Child, Child.id == Review.child_id)
        )
    assert tuple(found.one()) == (band, band)
