"""Reading one input as an answer to a step: typed words for buttons, ticks, dates and their
limits. Pure functions the engine calls; they change nothing themselves."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from conversations import prompts
from conversations.events import Back, Choose, Input, SaveForLater, Skip, Text, Toggle
from conversations.flow_spec import Step
from conversations.messages import localise
from conversations.runs import AnswerValue, RunContext
from conversations.typed_answers import BACK_WORDS, PAUSE_WORDS, is_skip_word, plain, typed_option

_DATE_FORMATS = (
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "%Y-%m-%d"),
)


def as_typed(
    step: Step, context: RunContext, answers: Mapping[str, AnswerValue], action: Input
) -> Input:
    """Words typed where a button was expected, 'idk' to an optional question, or "back"
    and "stop" anywhere, read as the button they name; any other input as it is."""
    if not isinstance(action, Text):
        return action
    if plain(action.text) in BACK_WORDS:
        return Back()
    if plain(action.text) in PAUSE_WORDS:
        return SaveForLater()
    if step.kind in ("choice", "scale", "yesno", "multi"):
        labels = [
            (option.id, localise(option.label, context.locale))
            for option in prompts.offered(step, answers, context)
        ]
        option_id = typed_option(action.text, labels)
        if option_id is not None:
            return Toggle(option_id) if step.kind == "multi" else Choose(option_id)
    if step.optional and is_skip_word(action.text):
        return Skip()
    return action


def offered_ids(step: Step, answers: Mapping[str, AnswerValue], context: RunContext) -> list[str]:
    """Ids of the options this person is offered (an option's `when` may hide it)."""
    return [option.id for option in prompts.offered(step, answers, context)]


def toggled(step: Step, selection: Sequence[str], option_id: str) -> list[str]:
    """The ticks after ticking or unticking one option, in the step's order."""
    if option_id in selection:
        return [chosen for chosen in selection if chosen != option_id]
    exclusive = {option.id for option in step.options if option.exclusive}
    # An exclusive option ("not sure") cannot be ticked with others, and vice versa.
    kept = [] if option_id in exclusive else [c for c in selection if c not in exclusive]
    ticked = {*kept, option_id}
    return [option for option in step.option_ids if option in ticked]


def parse_date(text: str) -> date | None:
    """A date typed as 25/12/2024 or 2024-12-25, or None."""
    text = text.strip()
    for pattern, date_format in _DATE_FORMATS:
        if pattern.match(text):
            try:
                return datetime.strptime(text, date_format).date()
            except ValueError:
                return None
    return None


def long_before_due(step: Step, context: RunContext, selection: Sequence[str], held: date) -> bool:
    """Whether a date is further before the meeting's due day than the step allows, and
    not already typed once (`selection` holds it then, which confirms it)."""
    due = context.meeting_due
    if step.max_days_before_due is None or due is None:
        return False
    too_early = (date.fromisoformat(due) - held).days > step.max_days_before_due
    return too_early and list(selection) != [held.isoformat()]
