"""An IRO records a challenge in Telegram (`/challenge`), moves it on a stage, and the annual
report counts it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from feedback_reports.participation import build_participation_report
from feedback_reports.participation_model import ReportOptions
from storage.models import AuditEvent, Challenge
from tests.e2e.conftest import MANAGER_ID, OTHER_IRO_ID, RunningBot
from tests.e2e.driver import Person, labels
from tests.e2e.test_iro_tools import _linked_iro


async def _record(iro: Person, case_ref: str, stage: str, resolved_on: str | None) -> None:
    await iro.type(f"/challenge {case_ref}")
    about = await iro.read_until("A challenge about")
    assert "C001" in about.text and "When did you raise the issue" in about.text
    await iro.type("02/11/2026")
    category = await iro.question()
    assert labels(category)[0] == "Drift and delay"
    await iro.press("Drift and delay", category)
    await iro.press(stage, await iro.question())
    resolved = await iro.question()
    if resolved_on is None:
        await iro.press("No", resolved)
    else:
        await iro.press("Yes", resolved)
        await iro.question()
        await iro.type(resolved_on)
        await iro.press("Resolved", await iro.question())
    summary = await iro.read_until("Please check the challenge")
    await iro.press("Send", summary)
    await iro.read_until("Challenge recorded")


async def test_an_iro_records_a_challenge_then_its_next_stage(bot: RunningBot) -> None:
    iro = await _linked_iro(bot)
    await _record(iro, "c001", "Informal", None)
    await _record(iro, "C001", "Formal stage 1", "20/11/2026")
    async with bot.services.uow() as uow:
        found = (await uow.session.scalars(select(Challenge))).all()
        assert [(c.raised_on, c.category, c.stage, c.resolved_on, c.outcome) for c in found] == [
            (date(2026, 11, 2), "drift_and_delay", "formal1", date(2026, 11, 20), "resolved")
        ]
        staff = await uow.staff.by_username("iro1")
        assert staff is not None and found[0].raised_by_id == staff.id
        actions = [e.action for e in (await uow.session.scalars(select(AuditEvent))).all()]
        assert actions.count("challenge_recorded") == 2
        report = await build_participation_report(
            uow, date(2026, 4, 1), date(2027, 3, 31), options=ReportOptions(suppress_below=1)
        )
    assert report.children is not None
    challenges = report.children.challenges
    assert challenges.raised == 1 and challenges.by_stage_reached["formal1"] == 1
    assert challenges.resolved_in_timescale.count == 1  # 18 days, within 40


async def test_a_challenge_about_a_child_not_allocated_is_refused(bot: RunningBot) -> None:
    other = await _linked_iro(bot, OTHER_IRO_ID, "iro2")
    await other.type("/challenge C001")
    assert "can't see that, or it doesn't exist" in (await other.read()).text
    await other.type("/challenge")
    assert "/challenge CASE_REF" in (await other.read()).text


async def test_a_challenge_left_open_for_one_child_never_lands_on_another(
    bot: RunningBot,
) -> None:
    manager = await _linked_iro(bot, MANAGER_ID, "manager1")
    await manager.type("/challenge C001")
    await manager.read_until("When did you raise the issue")
    await manager.type("03/11/2026")
    await manager.question()  # left on the category, about C001
    await manager.type("/challenge C002")
    fresh = await manager.read_until("A challenge about C002")
    assert "When did you raise the issue" in fresh.text  # a new run, not C001's resumed
    await manager.type("04/11/2026")
    await manager.press("Health", await manager.question())
    await manager.press("Informal", await manager.question())
    await manager.press("No", await manager.question())
    await manager.press("Send", await manager.read_until("Please check the challenge"))
    await manager.read_until("Challenge recorded")
    async with bot.services.uow() as uow:
        found = (await uow.session.scalars(select(Challenge))).all()
        c002 = await uow.children.by_case_ref("C002")
        assert c002 is not None
        assert [(c.child_id, c.raised_on, c.category) for c in found] == [
            (c002.id, date(2026, 11, 4), "health")
        ]
