"""Quotes in the report: children's and families' own words, only with consent, never flagged."""

from __future__ import annotations

from datetime import date

from bot.app import admin
from bot.bootstrap import Services
from feedback_reports.participation import build_participation_report
from storage.models import Flag
from tests.reports.helpers import Given, at, participant, run
from tests.support import FIXED_NOW

# Generated examples, not anyone's words.
QUOTED = "I liked that my IRO asked me first"
NOT_ASKED = "Please keep this one to yourselves"
WORRYING = "Words the screening flagged"
PARENT = "The chair listened to us"


def _after(better: str, may_quote: str) -> tuple[Given, Given]:
    return (
        Given("better", "text", text=better, theme="iro"),
        Given("may_quote", "yesno", may_quote, theme="meeting"),
    )


async def test_children_are_quoted_beside_parents_only_with_consent(services: Services) -> None:
    async with services.uow() as uow:
        for case_ref in ("C1", "C2", "C3"):
            await admin.add_child(uow, case_ref, FIXED_NOW, birth_date=date(2012, 1, 1))
        await uow.flush()
        meetings = {}
        for case_ref in ("C1", "C2", "C3"):
            meetings[case_ref] = await admin.add_review(
                uow, case_ref, "cla_review", date(2026, 11, 2), date(2026, 11, 2), FIXED_NOW
            )
        await uow.flush()
        children = [
            await participant(uow, 100 + i, "child", meetings[ref].child_id)
            for i, ref in enumerate(("C1", "C2", "C3"))
        ]
        parent = await participant(uow, 200, "parent", meetings["C1"].child_id)
        sent = {"started": "2026-11-03", "submitted": "2026-11-03"}
        flow = "child_after_review"
        await run(uow, children[0], meetings["C1"], flow, *_after(QUOTED, "yes"), **sent)
        await run(uow, children[1], meetings["C2"], flow, *_after(NOT_ASKED, "no"), **sent)
        flagged = await run(
            uow, children[2], meetings["C3"], flow, *_after(WORRYING, "yes"), **sent
        )
        uow.session.add(
            Flag(
                child_id=meetings["C3"].child_id,
                run_id=flagged.id,
                step_id="better",
                level="concern",
                categories="harm",
                rules="r1",
                text_cipher=uow.cipher.encrypt(WORRYING),
                created_at=at("2026-11-03"),
            )
        )
        await run(
            uow,
            parent,
            meetings["C1"],
            "parent_feedback",
            *_after(PARENT, "yes"),
            **sent,
        )
        await uow.commit()
    async with services.uow() as uow:
        report = await build_participation_report(
            uow, date(2026, 11, 1), date(2026, 11, 30), now=FIXED_NOW
        )
    assert report.children_quotes == [QUOTED]
    assert report.feedback.quotes == [PARENT]
