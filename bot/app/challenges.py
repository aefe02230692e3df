"""An IRO records a challenge (the issue resolution process) with a flow: `/challenge CASE_REF`
in the bot, or the same flow's questions on one form in the staff workspace.

The flow asks when the issue was raised, what about, the stage it reached and whether it was
resolved; sending it writes the challenge log the annual report counts. Recording the same
issue again (same day raised and category) updates it, so an IRO records each new stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.app.flow_forms import FormResult, fill, questions
from bot.app.ports import Services, UnitOfWork
from bot.app.replies import Notice, Outcome
from bot.app.run_store import RunStore
from bot.app.staff_access import StaffKey, staff_and_child
from bot.app.staff_flows import StaffFlowStart, staff_link
from bot.app.texts import message
from conversations.events import Asked
from conversations.flow_spec import Flow
from conversations.runs import Run as EngineRun
from conversations.runs import RunContext
from storage.models import Challenge, Participant, Run


async def begin_challenge(start: StaffFlowStart, case_ref: str) -> Outcome:
    """Start (or resume) recording a challenge about the child.

    Raises `NotAllowed` unless this person is the child's IRO or a manager.
    """
    now = start.services.clock()
    async with start.services.uow() as uow:
        if not await uow.updates.first_time(start.update, now):
            return Outcome(notices=(Notice.duplicate,))
        staff, child = await staff_and_child(uow, start.telegram_id, case_ref)
        participant = await staff_link(uow, staff, start.telegram_id, now)
        await _close_another_childs(uow, start.store, participant, start.flow, child.case_ref)
        locale = staff.locale
        context = RunContext(audience="iro", case_ref=child.case_ref, locale=locale)
        started = await start.store.start_or_resume(uow, participant, start.flow, None, context)
        await uow.commit()
    notices = (Notice.resumed,) if started.resumed else ()
    lines = (message("challenge.about", locale, case_ref=child.case_ref),)
    return Outcome(started.events, started.run_id, notices, lines=lines, locale=locale)


async def _close_another_childs(
    uow: UnitOfWork, store: RunStore, participant: Participant, flow: Flow, case_ref: str
) -> None:
    """Runs of the flow are kept per person, not per child: one left open about another
    child is closed, so its answers never land on this child's log."""
    for row in await uow.runs.open_for(participant.id):
        if row.flow_id == flow.id:
            state = EngineRun.from_dict(uow.runs.read_state(row))
            if state.context.case_ref != case_ref:
                store.retire(row)


async def record_challenge(uow: UnitOfWork, row: Run, flow: Flow, state: EngineRun) -> None:
    """Write a challenge sent in the bot into the log (the flow's hook)."""
    participant = await uow.participants.get(row.participant_id)
    raised_by = participant.staff_id if participant else None
    await _write(uow, flow, state, raised_by, f"participant:{row.participant_id}")


async def _write(
    uow: UnitOfWork, flow: Flow, state: EngineRun, raised_by: int | None, actor: str
) -> None:
    """Add the challenge, or update the one raised the same day in the same category (the
    flow's steps are found by their roles); audit it."""
    case_ref = state.context.case_ref
    child = await uow.children.by_case_ref(case_ref) if case_ref else None
    raised_on = _day(flow.answer_for("challenge_raised_on", state.answers))
    category = flow.answer_for("challenge_category", state.answers)
    stage = flow.answer_for("challenge_stage", state.answers)
    if child is None or raised_on is None or not isinstance(category, str):
        return
    found = await uow.challenges.find(child.id, raised_on, category)
    if found is None:
        found = uow.challenges.add(
            Challenge(
                child_id=child.id,
                raised_on=raised_on,
                category=category,
                created_at=state.updated_at,
            )
        )
    found.stage = str(stage)
    found.resolved_on = _day(flow.answer_for("challenge_resolved_on", state.answers))
    outcome = flow.answer_for("challenge_outcome", state.answers)
    found.outcome = outcome if isinstance(outcome, str) else None
    found.raised_by_id = raised_by
    uow.audit.record(
        state.updated_at,
        actor,
        "challenge_recorded",
        child.id,
        category=category,
        stage=found.stage,
    )


@dataclass(frozen=True)
class RecordedChallenge:
    """A challenge already in the child's log, in the flow's words."""

    raised_on: date
    category: str
    stage: str
    resolved_on: date | None


@dataclass(frozen=True)
class ChallengeForm:
    """The challenge flow's questions on one form, and the child's log so far."""

    case_ref: str
    questions: tuple[Asked, ...]
    # Questions the flow asks only after certain answers (the day resolved, the outcome).
    conditional: frozenset[str]
    recorded: tuple[RecordedChallenge, ...]


async def challenge_form(
    services: Services, flow: Flow, who: StaffKey, case_ref: str
) -> ChallengeForm:
    """The form for recording a challenge about the child, with the challenges recorded.

    Raises `NotAllowed` unless this person is the child's IRO or a manager.
    """
    async with services.uow() as uow:
        staff, child = await staff_and_child(uow, who, case_ref)
        context = RunContext(audience="iro", case_ref=child.case_ref, locale=staff.locale)
        asked = questions(flow, context, conditional=True)
        words = {q.step_id: {o.id: o.label for o in q.options} for q in asked}
        category, stage = (
            flow.step_with_role(r) for r in ("challenge_category", "challenge_stage")
        )
        assert category is not None and stage is not None  # the flow check makes sure
        recorded = tuple(
            RecordedChallenge(
                c.raised_on,
                words[category.id].get(c.category, c.category),
                words[stage.id].get(c.stage, c.stage),
                c.resolved_on,
            )
            for c in await uow.child_records.challenges(child.id)
        )
        conditional = frozenset(step.id for step in flow.steps if step.when is not None)
        return ChallengeForm(child.case_ref, asked, conditional, recorded)


async def submit_challenge_form(
    services: Services, flow: Flow, who: StaffKey, case_ref: str, values: Mapping[str, str]
) -> FormResult:
    """Check the form's answers with the challenge flow and, if it takes them, record them
    as the bot's flow does (the same day raised and category moves a challenge on a stage)."""
    async with services.uow() as uow:
        staff, child = await staff_and_child(uow, who, case_ref)
        context = RunContext(audience="iro", case_ref=child.case_ref, locale=staff.locale)
        filled = fill(flow, context, values, services.clock())
        if isinstance(filled, FormResult):
            return filled
        await _write(uow, flow, filled, staff.id, f"staff:{staff.id}")
        await uow.commit()
        return FormResult(True, values=values)


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None
