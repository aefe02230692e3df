"""Build the events that show a question or the summary, in the run's language."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from conversations.conditions import holds
from conversations.events import Asked, Option, SummaryItem, SummaryShown
from conversations.flow_spec import Flow, OptionSpec, Step
from conversations.messages import localise, message
from conversations.runs import AnswerValue, RunContext

SUMMARY_ACTIONS = ("send", "save_for_later", "cancel")
_SPACE_BEFORE_STOP = re.compile(r" +([.,!?])")
_SPACES = re.compile(r" {2,}")


def step_text(step: Step, answers: Mapping[str, AnswerValue], context: RunContext) -> str:
    """Return the step's wording: the first variant whose `when` holds, else its text."""
    variant = next((v for v in step.variants if holds(v.when, answers, context)), None)
    return personal(localise(variant.text if variant else step.text, context.locale), context)


def personal(text: str, context: RunContext) -> str:
    """Fill in {iro} ("your IRO, Sam"), {meeting} ("on Tuesday 8 December", else "soon")
    and {held} (a past meeting's "on Monday 7 December", else nothing) where known."""
    locale = context.locale
    iro = (
        message("your_iro_named", locale, name=context.iro_name)
        if context.iro_name
        else message("your_iro", locale)
    )
    day = context.meeting_day or ""
    meeting = day or message("soon", locale)
    filled = text.replace("{iro}", iro).replace("{meeting}", meeting).replace("{held}", day)
    # An unknown {held} leaves "about you ." or "child  went" behind.
    return _SPACE_BEFORE_STOP.sub(r"\1", _SPACES.sub(" ", filled))


def asked(
    step: Step,
    context: RunContext,
    answers: Mapping[str, AnswerValue],
    selection: Sequence[str],
    can_go_back: bool,
) -> Asked:
    """Return the question event, showing the current answer (or ticks) as selected."""
    previous = answers.get(step.id)
    if step.kind == "multi":
        selected = tuple(selection)
    else:
        selected = (previous,) if isinstance(previous, str) and step.options else ()
    return Asked(
        step_id=step.id,
        kind=step.kind,
        text=step_text(step, answers, context),
        options=tuple(
            Option(option.id, localise(option.label, context.locale))
            for option in offered(step, answers, context)
        ),
        can_skip=step.optional,
        can_go_back=can_go_back,
        selected=selected,
        max_length=step.text_limit,
        earlier_text=previous
        if step.kind in ("text", "date") and isinstance(previous, str)
        else None,
    )


def offered(
    step: Step, answers: Mapping[str, AnswerValue], context: RunContext
) -> list[OptionSpec]:
    """The step's options whose own `when` holds (all of them, usually)."""
    return [o for o in step.options if o.when is None or holds(o.when, answers, context)]


def summary(
    flow: Flow,
    context: RunContext,
    answers: Mapping[str, AnswerValue],
    visited: Sequence[str],
) -> SummaryShown:
    """Return the summary of every answered or visited (skipped) question, in flow order."""
    locale = context.locale
    items = tuple(
        SummaryItem(
            step.id, step_text(step, answers, context), _answer_text(step, answers, locale)
        )
        for step in flow.steps
        if step.id in answers or step.id in visited
    )
    actions = tuple(Option(key, message(key, locale)) for key in SUMMARY_ACTIONS)
    intro = localise(flow.summary, locale) if flow.summary else message("summary", locale)
    return SummaryShown(intro, items, actions)


def _answer_text(step: Step, answers: Mapping[str, AnswerValue], locale: str) -> str:
    value = answers.get(step.id)
    if value is None:
        return message("not_answered", locale)
    if step.options:
        chosen = value if isinstance(value, list) else [value]
        labels = {option.id: localise(option.label, locale) for option in step.options}
        return ", ".join(labels.get(option, option) for option in chosen)
    if step.kind == "date" and isinstance(value, str):
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)
