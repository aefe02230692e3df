"""An IRO records a challenge (the issue resolution process) with a flow: `/challenge CASE_REF`.

The flow asks when the issue was raised, what about, the stage it reached and whether it was
resolved; sending it writes the challenge log the annual report counts. Recording the same
issue again (same day raised and category) updates it, so an IRO records each new stage.
"""

from __future__ import annotations

from datetime import date

from bot.app.outcomes import staff_link
from bot.app.ports import Services, UnitOfWork, UpdateKey
from bot.app.replies import Notice, Outcome
from bot.app.run_store import RunStore
from bot.app.staff_access import child_for, staff_member
from bot.app.texts import message
from conversations.flow_spec import Flow
from conversations.runs import Run as EngineRun
from conversations.runs import RunContext
from storage.models import Challenge, Participant, Run


async def begin_challenge(
    services: Services,
    flow: Flow,
    store: RunStore,
    telegram_id: int,
    update: UpdateKey,
    case_ref: str,
) -> Outcome:
    """Start (or resume) recording a challenge about the child.

    Raises `NotAllowed` unless this person is the child's IRO or a manager.
    """
    now = services.clock()
    async with services.uow() as uow:
        if not await uow.updates.first_time(update, now):
            return Outcome(notices=(Notice.duplicate,))
        staff = await staff_member(uow, telegram_id)
        child = await child_for(uow, staff, case_ref)
        participant = await staff_link(uow, staff, telegram_id, now)
        await _close_another_childs(uow, store, participant, flow, child.case_ref)
        locale = staff.locale
        context = RunContext(audience="iro", case_ref=child.case_ref, locale=locale)
        started = await store.start_or_resume(uow, participant, flow, None, context)
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
    """Write a sent challenge into the log (the flow's steps are found by their roles)."""
    case_ref = state.context.case_ref
    child = await uow.children.by_case_ref(case_ref) if case_ref else None
    participant = await uow.participants.get(row.participant_id)
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
    found.raised_by_id = participant.staff_id if participant else None
    uow.audit.record(
        state.updated_at,
        f"participant:{row.participant_id}",
        "challenge_recorded",
        child.id,
        category=category,
        stage=found.stage,
    )


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None
