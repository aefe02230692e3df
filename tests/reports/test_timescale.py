"""In timescale: the review record and the participation report use one definition."""

from __future__ import annotations

from datetime import date
from itertools import product
from pathlib import Path

from bot.app import admin
from bot.bootstrap import Services
from bot.settings import Settings
from feedback_reports.participation import build_participation_report
from feedback_reports.participation_model import ReportOptions
from feedback_reports.record import build_review_record
from feedback_reports.render_record import render_text
from storage.models import Review
from tests.reports.helpers import cli_env
from tests.support import FIXED_NOW, mysay

DUE = date(2026, 6, 10)
HELD = {"early": date(2026, 6, 1), "on the day": DUE, "late": date(2026, 6, 20)}
RECORDED = (True, False, None)


async def test_the_record_and_the_report_agree_on_every_meeting(services: Services) -> None:
    cases = list(product(RECORDED, HELD))
    async with services.uow() as uow:
        for number, (recorded, held) in enumerate(cases):
            await admin.add_child(uow, f"C{number}", FIXED_NOW)
            await uow.flush()
            review = await admin.add_review(
                uow, f"C{number}", "cla_review", DUE, HELD[held], FIXED_NOW
            )
            review.in_timescale = recorded
        await uow.commit()
    whole = ReportOptions(suppress_below=1)
    for number, (recorded, held) in enumerate(cases):
        async with services.uow() as uow:
            record = await build_review_record(uow, f"C{number}", now=FIXED_NOW)
        assert record.outcome is not None
        expected = recorded if recorded is not None else held != "late"
        assert record.outcome.in_timescale is expected, (recorded, held)
        # The report, for this meeting's day only, counts the same.
        async with services.uow() as uow:
            single = await build_participation_report(
                uow, HELD[held], HELD[held], now=FIXED_NOW, options=whole
            )
        counted = single.cla_review.in_timescale.count
        assert counted == sum(
            (r if r is not None else h != "late") for r, h in cases if h == held
        ), (recorded, held)
    async with services.uow() as uow:
        late = await build_review_record(uow, "C8", now=FIXED_NOW)  # nothing recorded, late
    assert "In timescale: no (held after its due date)" in render_text(late)


def _import(env: dict[str, str], tmp_path: Path, text: str) -> str:
    path = tmp_path / "reviews.csv"
    path.write_text(text, encoding="utf-8")
    result = mysay("import", "reviews", str(path), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_local_authoritys_own_in_timescale_column_wins(
    settings: Settings, tmp_path: Path
) -> None:
    env = cli_env(settings, tmp_path)
    assert mysay("db", "upgrade", env=env).exit_code == 0
    children = tmp_path / "children.csv"
    children.write_text(
        "case_ref,birth_date,gender,ethnicity,legal_status,iro_username\nA1,,,,,\nA2,,,,,\n",
        encoding="utf-8",
    )
    assert mysay("import", "children", str(children), env=env).exit_code == 0
    header = "case_ref,kind,due_date,held_on,iro_username,participation,seen_before"
    # Held late but agreed in timescale (A1); on the day but not, by the authority's rule (A2).
    _import(
        env,
        tmp_path,
        f"{header},in_timescale\n"
        "A1,cla_review,2025-06-10,2025-06-20,,PN1,yes,yes\n"
        "A2,cla_review,2025-06-10,2025-06-10,,PN1,yes,no\n",
    )
    # A later file without the column leaves what the authority said alone.
    assert "0 created, 0 updated, 1 unchanged" in _import(
        env, tmp_path, f"{header}\nA1,cla_review,2025-06-10,2025-06-20,,PN1,yes\n"
    )

    async def check() -> tuple[list[bool | None], int | str]:
        from bot.bootstrap import open_services

        async with open_services(settings) as services, services.uow() as uow:
            reviews = [
                await uow.reviews.find(child.id, "cla_review", date(2025, 6, 10))
                for child in (await uow.children.by_case_refs(["A1", "A2"])).values()
            ]
            built = await build_participation_report(
                uow, date(2025, 6, 1), date(2025, 6, 30), options=ReportOptions(suppress_below=1)
            )
            return [r.in_timescale for r in reviews if isinstance(r, Review)], (
                built.cla_review.in_timescale.count
            )

    import asyncio

    recorded, counted = asyncio.run(check())
    assert sorted(recorded, key=str) == [False, True] and counted == 1
