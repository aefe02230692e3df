"""The outcome of a meeting recorded on one form (the staff workspace), checked by the same
flow and engine as `/outcome` in the bot: the held date may not be in the future, one more
than 30 days before the due day must be confirmed, PN0 is offered only for a child under 4.

The form's answers are fed to the engine step by step; the first one it refuses comes back
with the engine's own words. Once the engine has all of them, the outcome is applied to the
review exactly as the bot's flow applies it (`outcomes.apply_outcome`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.app.dates import meeting_kind
from bot.app.outcomes import apply_outcome, meeting_to_record, outcome_context
from bot.app.ports import Services, UnitOfWork
from bot.app.staff_access import StaffKey, child_for, staff_member
from conversations import engine, prompts
from conversations.events import Asked, Choose, Input, Rejected, Said, Send, Skip, Text
from conversations.flow_spec import Flow, Step
from conversations.runs import Run as EngineRun
from conversations.runs import RunContext, RunStatus
from storage.models import Child, Review


class NoMeeting(Exception):
    """The child has no meeting to record (or none due on the day asked)."""


@dataclass(frozen=True)
class OutcomeForm:
    """The form for one meeting: its questions as the flow words them for this child."""

    case_ref: str
    due_date: date
    meeting: str
    questions: tuple[Asked, ...]
    # Other meetings due within 90 days either side, to pick instead.
    others: tuple[tuple[date, str], ...]
    already_recorded: bool


@dataclass(frozen=True)
class FormResult:
    """Recorded, or the first refusal: which step, and the engine's words."""

    recorded: bool
    step_id: str | None = None
    problem: str | None = None
    # The held date is long before the due day: sending it again with `confirmed` records it.
    needs_confirming: bool = False
    values: Mapping[str, str] = field(default_factory=dict)


async def _meeting(
    uow: UnitOfWork, services: Services, who: StaffKey, case_ref: str, due: date | None
) -> tuple[Child, Review, list[Review]]:
    today = services.today().date()
    staff = await staff_member(uow, who)
    child = await child_for(uow, staff, case_ref)
    review, recent = await meeting_to_record(uow, child.id, today, due)
    if review is None:
        raise NoMeeting(case_ref)
    return child, review, recent


def _questions(flow: Flow, context: RunContext) -> tuple[Asked, ...]:
    return tuple(
        prompts.asked(step, context, {}, [], False)
        for step in flow.steps
        if step.is_question and step.when is None
    )


async def outcome_form(
    services: Services, flow: Flow, who: StaffKey, case_ref: str, due: date | None = None
) -> OutcomeForm:
    """The form for the child's meeting due on `due`, or their latest one."""
    async with services.uow() as uow:
        child, review, recent = await _meeting(uow, services, who, case_ref, due)
        context = outcome_context(child, review)
        return OutcomeForm(
            child.case_ref,
            review.due_date,
            str(context.meeting_day),
            _questions(flow, context),
            tuple((r.due_date, meeting_kind(r.kind)) for r in recent if r.id != review.id),
            review.held_on is not None or review.participation is not None,
        )


def _input(step: Step, value: str) -> Input:
    if not value.strip():
        return Skip()
    if step.kind in ("text", "date"):
        return Text(value)
    return Choose(value)


def _fill(
    flow: Flow, context: RunContext, values: Mapping[str, str], confirmed: bool, services: Services
) -> EngineRun | FormResult:
    """Answer the flow's questions from the form, as the engine would take them one by one."""
    now = services.clock()
    run = engine.start(flow, context, now).run
    confirmations = 1 if confirmed else 0
    while run.status is RunStatus.waiting:
        step = flow.step(run.current_step or "")
        assert step is not None
        value = values.get(step.id, "")
        transition = engine.handle(flow, run, _input(step, value), now)
        refused = [e for e in transition.events if isinstance(e, Rejected)]
        if refused:
            return FormResult(False, step.id, refused[0].message, values=values)
        asked_again = transition.run.current_step == step.id
        if asked_again and step.kind == "date":
            said = [e.text for e in transition.events if isinstance(e, Said)]
            if confirmations == 0:
                return FormResult(False, step.id, " ".join(said), True, values)
            confirmations -= 1  # typing the same date again is how the bot confirms it
        run = transition.run
    return engine.handle(flow, run, Send(), now).run


async def submit_outcome_form(
    services: Services,
    flow: Flow,
    who: StaffKey,
    case_ref: str,
    due: date | None,
    values: Mapping[str, str],
    *,
    confirmed: bool = False,
) -> FormResult:
    """Check the form's answers with the outcome flow and, if it takes them, record them."""
    async with services.uow() as uow:
        child, review, _ = await _meeting(uow, services, who, case_ref, due)
        filled = _fill(flow, outcome_context(child, review), values, confirmed, services)
        if isinstance(filled, FormResult):
            return filled
        staff = await staff_member(uow, who)
        await apply_outcome(
            uow, review, flow, filled.answers, services.clock(), f"staff:{staff.id}"
        )
        await uow.commit()
        return FormResult(True, values=values)
