"""A flow answered on one form (the staff workspace), checked by the same engine as the bot.

The form's answers are fed to the engine step by step, as the bot takes them one message at a
time; the first one it refuses comes back with the engine's own words. An answer given to a
question the flow does not ask after the other answers (a day resolved for an issue said not
to be resolved) is refused rather than dropped, so nothing typed is lost without a word.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.app.texts import message
from conversations import engine, prompts
from conversations.events import Asked, Choose, Input, Rejected, Said, Send, Skip, Text
from conversations.flow_spec import Flow, Step
from conversations.runs import Run as EngineRun
from conversations.runs import RunContext, RunStatus


@dataclass(frozen=True)
class FormResult:
    """Recorded, or the first refusal: which step, and the engine's words."""

    recorded: bool
    step_id: str | None = None
    problem: str | None = None
    # A date the flow asks to confirm (a held date long before the due day): sending it again
    # with `confirmed` takes it.
    needs_confirming: bool = False
    values: Mapping[str, str] = field(default_factory=dict)


def questions(flow: Flow, context: RunContext, *, conditional: bool = False) -> tuple[Asked, ...]:
    """The flow's questions as it words them in this context; with `conditional`, also those
    it asks only after certain answers."""
    return tuple(
        prompts.asked(step, context, {}, [], False)
        for step in flow.steps
        if step.is_question and (conditional or step.when is None)
    )


def _input(step: Step, value: str) -> Input:
    if not value.strip():
        return Skip()
    if step.kind in ("text", "date"):
        return Text(value)
    return Choose(value)


def fill(
    flow: Flow,
    context: RunContext,
    values: Mapping[str, str],
    now: datetime,
    *,
    confirmed: bool = False,
) -> EngineRun | FormResult:
    """Answer the flow's questions from the form and send it; or say what it refused."""
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
    unasked = [
        step.id
        for step in flow.steps
        if step.is_question and values.get(step.id, "").strip() and step.id not in run.answers
    ]
    if unasked:
        problem = message("form.not_asked", context.locale)
        return FormResult(False, unasked[0], problem, values=values)
    return engine.handle(flow, run, Send(), now).run
