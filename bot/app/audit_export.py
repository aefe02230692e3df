"""The audit log as CSV for a period, read a page at a time; the export is audited too.

Audit events never hold a child's words; cells that a spreadsheet would run as a formula
(an actor or a detail typed by someone) are made inert as every CSV the project writes is.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import TextIO

from bot.app.ports import Services
from feedback_reports.spreadsheet import text_cell

COLUMNS = ("id", "at", "actor", "action", "case_ref", "detail")
PAGE = 1000


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


async def write_audit_csv(
    services: Services, start: date, end: date, out: TextIO, actor: str = "cli"
) -> int:
    """Write the events of UTC days `start` to `end` (both included) to `out`; return how many.

    Raises:
        ValueError: The period ends before it starts.
    """
    if end < start:
        raise ValueError("the period ends before it starts")
    since, until = _day_start(start), _day_start(end + timedelta(days=1))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    written, after = 0, None
    while True:
        async with services.uow() as uow:
            page = await uow.audit.page(since, until, after, PAGE)
        for line in page:
            writer.writerow(
                [
                    line.id,
                    line.at.isoformat(),
                    text_cell(line.actor),
                    text_cell(line.action),
                    text_cell(line.case_ref or ""),
                    text_cell(json.dumps(line.detail, sort_keys=True, ensure_ascii=False)),
                ]
            )
        written += len(page)
        if len(page) < PAGE:
            break
        after = page[-1].at, page[-1].id
    async with services.uow() as uow:
        uow.audit.record(
            services.clock(), actor, "audit_exported", start=str(start), end=str(end), rows=written
        )
        await uow.commit()
    return written
