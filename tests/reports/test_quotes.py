"""Quotes in the report: children's and families' own words, only with consent, never flagged."""

from __future__ import annotations

from datetime import date

from bot.app import admin
from bot.bootstrap import Services
from feedback_reports.participation import QUOTE_LIMIT, build_participation_report
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


async def test_quotes_are_the_earliest_words_of_runs_sent_in_the_period(
    services: Services,
) -> None:
    """More consenting runs than the report quotes: the earliest answered, in order, and none
    from a run sent before or after the period, not sent at all, or sent by someone else."""
    async with services.uow() as uow:
        await admin.add_child(uow, "C1", FIXED_NOW, birth_date=date(2012, 1, 1))
        await uow.flush()
        meeting = await admin.add_review(
            uow, "C1", "cla_review", date(2026, 11, 2), date(2026, 11, 2), FIXED_NOW
        )
        await uow.flush()
        child = await participant(uow, 100, "child", meeting.child_id)
        parent = await participant(uow, 200, "parent", meeting.child_id)
        flow = "child_after_review"
        # Sent on days counted down from the period's end, so the last written is the earliest.
        in_period = [
            f"2026-11-{day:02d}T{hour:02d}:00" for day in (30, 20, 10, 1) for hour in (20, 9)
        ]
        in_period += [
            f"2026-11-15T{hour:02d}:{minute:02d}" for hour in (8, 12) for minute in range(0, 60, 2)
        ]
        for moment in in_period:
            await run(
                uow,
                child,
                meeting,
                flow,
                *_after(f"quote {moment}", "yes"),
                started=moment,
                submitted=moment,
            )
        for n, moment in enumerate(("2026-10-31T23:00", "2026-12-01T00:00")):
            await run(
                uow,
                child,
                meeting,
                flow,
                *_after(f"outside {n}", "yes"),
                started=moment,
                submitted=moment,
            )
        await run(
            uow,
            child,
            meeting,
            flow,
            *_after("not sent", "yes"),
            started="2026-11-02",
            status="waiting",
        )
        await run(
            uow,
            parent,
            meeting,
            "parent_feedback",
            *_after("a parent's", "yes"),
            started="2026-11-02",
            submitted="2026-11-02",
        )
        await uow.commit()
    async with services.uow() as uow:
        report = await build_participation_report(
            uow, date(2026, 11, 1), date(2026, 11, 30), now=FIXED_NOW
        )
    earliest = sorted(in_period)[:QUOTE_LIMIT]
    assert len(in_period) > QUOTE_LIMIT
    assert report.children_quotes == [f"quote {moment}" for moment in earliest]
    assert report.feedback.quotes == ["a parent's"]
