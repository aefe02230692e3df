"""Erasure removes a child's accounts, runs, answers and invitations; the figures stay."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from bot.app.erasure import erase_child
from bot.app.retention import enforce_retention
from bot.bootstrap import Services, open_services
from bot.settings import Settings
from storage.models import (
    CareEpisode,
    Child,
    ChildRequest,
    ErasedChild,
    Invitation,
    OutboxMessage,
    Participant,
    Review,
    Run,
    RunSummary,
)
from storage.repositories.erasure import ERASED_WORDS, case_ref_hash
from tests.lifecycle.helpers import add_child, add_flag, add_request, add_run, at, link
from tests.reports.test_participation import QUOTE, _participation, year  # noqa: F401
from tests.support import mysay

PERIOD = ("--from", "2025-01-01", "--to", "2025-12-31")


def _figures(report: dict[str, Any]) -> dict[str, Any]:
    """Every figure of the report: all but when it was made and the quotes (people's words)."""
    figures = {k: v for k, v in report.items() if k != "generated_at"}
    figures["feedback"] = {k: v for k, v in report["feedback"].items() if k != "quotes"}
    caseloads = report["children"]["caseloads"]
    if caseloads["source"] == "children_iro_now":
        # With no allocations imported, caseloads count each IRO's children today: an erased
        # child is nobody's case any more, as a child who has left is not.
        figures["children"] = {k: v for k, v in report["children"].items() if k != "caseloads"}
    return figures


def _report(env: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_participation(env, *PERIOD))
    return data


async def _rows_of(settings: Settings, child_id: int) -> dict[str, int]:
    async with open_services(settings) as services, services.uow() as uow:
        participants = await uow.participants.for_child(child_id)
        return {
            "participants": len(participants),
            "runs": len(await uow.child_records.runs(child_id)),
            "invitations": len(await uow.child_records.invitations(child_id)),
            "reviews": len(await uow.child_records.reviews(child_id)),
            "summaries": len(await uow.child_records.run_summaries(child_id)),
        }


async def _child_id(settings: Settings, case_ref: str) -> int:
    async with open_services(settings) as services, services.uow() as uow:
        child = await uow.children.by_case_ref(case_ref)
        assert child is not None
        return child.id


def test_erasing_children_keeps_every_figure_of_the_participation_report(
    year: dict[str, str],  # noqa: F811
    settings: Settings,
) -> None:
    before = _report(year)
    t1, t4 = asyncio.run(_child_id(settings, "T1")), asyncio.run(_child_id(settings, "T4"))
    t4_before = asyncio.run(_rows_of(settings, t4))

    for case_ref in ("t1", "M3"):  # capitals do not matter
        result = mysay("erase", "--case-ref", case_ref, "--yes", env=year)
        assert result.exit_code == 0, result.output
        assert "Erased" in result.output

    after = _report(year)
    assert _figures(after) == _figures(before)
    assert (
        after["children"]["caseloads"]["children"]
        == before["children"]["caseloads"]["children"] - 2
    )
    assert before["feedback"]["quotes"] == [QUOTE] and after["feedback"]["quotes"] == []
    assert asyncio.run(_rows_of(settings, t1)) == {
        "participants": 0,
        "runs": 0,
        "invitations": 0,
        "reviews": 3,
        "summaries": 5,
    }
    assert asyncio.run(_rows_of(settings, t4)) == t4_before  # another child: untouched
    gone = mysay("subject-access", "--case-ref", "T1", env=year)
    assert gone.exit_code == 1 and "'T1' was erased on " in gone.output
    again = mysay("erase", "--case-ref", f"erased-{t1}", "--yes", env=year)
    assert again.exit_code == 1 and "nothing to erase" in again.output


def test_retention_long_after_keeps_every_figure_too(
    year: dict[str, str],  # noqa: F811
    settings: Settings,
) -> None:
    before = _report(year)

    async def much_later() -> None:
        later = datetime(2030, 6, 1, tzinfo=UTC)
        async with open_services(settings, clock=lambda: later) as services:
            done = await enforce_retention(services, batch=3)
            assert done.runs == 10 and done.answers == 12

    asyncio.run(much_later())
    assert _figures(_report(year)) == _figures(before)


def test_erasure_asks_first_and_a_no_changes_nothing(
    year: dict[str, str],  # noqa: F811
    settings: Settings,
) -> None:
    t4 = asyncio.run(_child_id(settings, "T4"))
    before = asyncio.run(_rows_of(settings, t4))

    declined = mysay("erase", "--case-ref", "T4", env=year, input="n\n")

    assert declined.exit_code == 1
    assert "Erasing T4 deletes 1 linked account(s), 1 run(s) with 0 answer(s)" in declined.output
    assert "Nothing was erased." in declined.output
    assert asyncio.run(_rows_of(settings, t4)) == before
    accepted = mysay("erase", "--case-ref", "T4", env=year, input="y\n")
    assert accepted.exit_code == 0 and "Erased T4" in accepted.output
    missing = mysay("erase", "--case-ref", "NOBODY", "--yes", env=year)
    assert missing.exit_code == 1 and "no child with case reference 'NOBODY'" in missing.output


async def test_an_erased_child_leaves_a_tombstone_and_flags_without_words(
    services: Services,
) -> None:
    async with services.uow() as uow:
        child = await add_child(uow, "E-1", "2025-01-01", [("2026-03-01", "2026-03-01")], "note")
        sibling = await add_child(uow, "E-2", "2025-01-01", [("2026-03-02", "2026-03-02")])
        me = await link(uow, child, 501, "child")
        await link(uow, child, 502, "parent")
        await link(uow, sibling, 502, "parent")  # the same parent, for another child
        run = await add_run(uow, child, me, "2026-02-20", words="my words", choice="3")
        flag = await add_flag(
            uow, child, "flag words", "2026-02-20", participant_id=me, run_id=run,
            close_note="IRO's note",
        )  # fmt: skip
        await add_request(uow, child, me, run, "I will ring you on Friday")
        uow.outbox.add(900, "flag_alert", "alert with flag words", at("2026-02-20"), flag_id=flag)
        uow.outbox.add(501, "reminder", "to the child", at("2026-02-20"))
        uow.outbox.add(502, "reminder", "to the parent", at("2026-02-20"))
        uow.session.add(
            CareEpisode(
                child_id=child.child_id,
                started_on=date(2025, 6, 1),
                ended_on=None,
                legal_status="C2",
                created_at=at("2026-02-20"),
            )
        )
        await uow.commit()

    erased = await erase_child(services, "e-1")

    assert (erased.participants, erased.runs, erased.answers, erased.flags_cleared) == (
        2,
        1,
        2,
        1,
    )
    async with services.uow() as uow:
        row = await uow.session.get(Child, child.child_id)
        assert row is not None and row.case_ref == f"erased-{child.child_id}"
        assert (row.birth_date, row.gender, row.iro_id) == (date(2012, 5, 1), "female", None)
        tombstone = await uow.session.scalar(select(ErasedChild))
        assert tombstone is not None and tombstone.case_ref_hash == case_ref_hash("E-1")
        assert "E-1" not in tombstone.case_ref_hash
        stored = await uow.flags.get(flag)
        assert stored is not None and uow.flags.text(stored) == ERASED_WORDS
        assert (stored.participant_id, stored.run_id, stored.close_note_cipher) == (
            None,
            None,
            None,
        )
        assert stored.level == "urgent" and stored.status == "open"
        messages = [uow.outbox.text(m) for m in await uow.session.scalars(select(OutboxMessage))]
        assert messages == ["to the parent"]  # still linked, to the sibling
        review = await uow.session.scalar(select(Review).where(Review.child_id == child.child_id))
        assert review is not None and review.note_to_child_cipher is None
        assert review.participation == "PN1"
        # The period in care still counts in the children's tables, without its legal status.
        episode = await uow.session.scalar(select(CareEpisode))
        assert episode is not None and (episode.started_on, episode.legal_status) == (
            date(2025, 6, 1),
            None,
        )
        people = list(await uow.session.scalars(select(Participant.child_id)))
        assert people == [sibling.child_id]
        assert list(await uow.session.scalars(select(Run))) == []
        assert list(await uow.session.scalars(select(ChildRequest))) == []
        assert list(await uow.session.scalars(select(Invitation))) == []
        summary = await uow.session.scalar(select(RunSummary))
        assert summary is not None and summary.participant_key < 0  # renumbered
        events = await uow.audit.list("child_erased")
        assert [(e.child_id, e.detail["runs"]) for e in events] == [(child.child_id, 1)]
