"""The flow engine: pure functions from (flow, run, input) to a new run and events.

The host stores `Transition.run` and renders `Transition.events`; nothing is sent or shared
until the person presses Send. Bad input never raises: it comes back as a `Rejected` event
with the run unchanged.

Steps run in file order. A step whose `when` is false is passed over, and any answer it had
(from before a change) is dropped, so reports never see answers to questions that no longer
apply. While changing an answer from the summary, the engine asks any newly applicable
question it has not asked before, then returns to the summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from conversations import prompts
from conversations.answering import (
    as_typed,
    long_before_due,
    offered_ids,
    parse_date,
    toggled,
)
from conversations.conditions import holds
from conversations.events import (
    AnswerRecorded,
    AnswersDropped,
    Asked,
    Back,
    Cancel,
    CancelAsked,
    Cancelled,
    Change,
    Choose,
    Done,
    Event,
    Input,
    Rejected,
    Resume,
    Said,
    Saved,
    SaveForLater,
    Send,
    Skip,
    Skipped,
    Submitted,
    SummaryShown,
    Text,
    Toggle,
)
from conversations.flow_spec import Flow, Step
from conversations.messages import localise, message
from conversations.runs import AnswerValue, Run, RunContext, RunStatus, copy_answer


@dataclass(frozen=True)
class Transition:
    """The run after one input, and what the host should show."""

    run: Run
    events: list[Event]


@dataclass
class _Draft:
    """A private, changeable copy of a run's state while one input is handled."""

    flow: Flow
    context: RunContext
    status: RunStatus
    current_step: str | None
    answers: dict[str, AnswerValue]
    history: list[str]
    return_to_summary: bool
    selection: list[str]
    events: list[Event] = field(default_factory=list)
    # The day the input came (for date checks); None while only showing a prompt.
    today: date | None = None

    @classmethod
    def of(cls, flow: Flow, run: Run) -> _Draft:
        return cls(
            flow=flow,
            context=run.context,
            status=run.status,
            current_step=run.current_step,
            answers={key: copy_answer(value) for key, value in run.answers.items()},
            history=list(run.history),
            return_to_summary=run.return_to_summary,
            selection=list(run.selection),
        )

    def finish(self, run: Run, now: datetime) -> Transition:
        new_run = replace(
            run,
            # A run carried on under a newer version is sent as worded there: record it.
            flow_version=self.flow.version,
            status=self.status,
            current_step=self.current_step,
            answers=self.answers,
            history=self.history,
            return_to_summary=self.return_to_summary,
            selection=self.selection,
            updated_at=now,
        )
        return Transition(new_run, self.events)

    def say(self, key: str, **values: object) -> str:
        return message(key, self.context.locale, **values)

    def applies(self, step: Step) -> bool:
        return step.when is None or holds(step.when, self.answers, self.context)


def start(flow: Flow, context: RunContext, now: datetime) -> Transition:
    """Start a run of `flow` and ask its first question."""
    run = Run(
        flow_id=flow.id,
        flow_version=flow.version,
        status=RunStatus.waiting,
        current_step=None,
        answers={},
        context=context,
        started_at=now,
        updated_at=now,
        history=[],
    )
    draft = _Draft.of(flow, run)
    _go_forward(draft, 0)
    return draft.finish(run, now)


def handle(flow: Flow, run: Run, action: Input, now: datetime) -> Transition:
    """Apply one input to a run; a `Rejected` event leaves the run as it was.

    Pass the flow with the run's `flow_id`. A newer version of it is accepted as long as the
    run's current step still exists (the run then records that version); otherwise the run is
    refused with reason `flow_changed`.
    """
    if isinstance(action, Resume) and run.flow_id == flow.id and not run.status.finished:
        return Transition(run, current_prompt(flow, run))
    draft = _Draft.of(flow, run)
    draft.today = now.date()
    reason, values = _apply(draft, action) if run.flow_id == flow.id else _refuse("flow_changed")
    if reason is None:
        return draft.finish(run, now)
    text = message(reason, run.context.locale, **values)
    # Words where a button was wanted: offer the buttons again, below the kind word.
    again = current_prompt(flow, run) if reason == "use_buttons" else []
    return Transition(run, [Rejected(reason, text), *again])


def reads_as_button(flow: Flow, run: Run, text: str) -> bool:
    """Whether words typed now would be read as a button ("2", "😢", "skip", "back"): a
    button press, which is an answer chosen from the flow's own words, not the child's."""
    if run.flow_id != flow.id or run.status is not RunStatus.waiting:
        return False
    return not isinstance(_read_typed(_Draft.of(flow, run), Text(text)), Text)


def current_prompt(flow: Flow, run: Run) -> list[Event]:
    """Show again where the run is (after a restart, a save for later or /review)."""
    draft = _Draft.of(flow, run)
    step = flow.step(run.current_step)
    if run.status is RunStatus.waiting and step is not None:
        draft.events.append(_asked(draft, step))
    elif run.status is RunStatus.reviewing:
        draft.events.append(_summary(draft))
    return draft.events


# Each handler changes the draft and returns None, or returns the reason for refusing
# (a message key) and the values its message needs.
_Outcome = tuple[str | None, dict[str, object]]
_OK: _Outcome = (None, {})


def _refuse(reason: str, **values: object) -> _Outcome:
    return reason, values


def _apply(draft: _Draft, action: Input) -> _Outcome:
    if draft.status.finished:
        return _refuse("finished")
    if not _position_is_valid(draft):
        return _refuse("flow_changed")
    action = _read_typed(draft, action)
    match action:
        case Cancel(confirmed=False) if draft.answers:
            draft.events.append(
                CancelAsked(
                    draft.current_step,
                    draft.say("cancel_confirm"),
                    draft.say("cancel_yes"),
                    draft.say("cancel_no"),
                )
            )
            return _OK
        case Cancel():
            draft.status, draft.current_step, draft.selection = RunStatus.cancelled, None, []
            draft.return_to_summary = False
            draft.events.append(Cancelled())
            return _OK
        case SaveForLater():
            draft.events.append(Saved())
            return _OK
        case Back():
            return _go_back(draft)
        case Send() | Change() if draft.status is not RunStatus.reviewing:
            return _refuse("not_reviewing")
        case Send():
            share_with = draft.flow.answer_for("share_with", draft.answers)
            flow_thanks = draft.flow.thanks
            thanks = (
                prompts.personal(localise(flow_thanks, draft.context.locale), draft.context)
                if flow_thanks
                else None
            )
            draft.status, draft.current_step = RunStatus.submitted, None
            draft.events.append(
                Submitted(
                    share_with if isinstance(share_with, str) else None,
                    thanks or draft.say("thanks"),
                )
            )
            return _OK
        case Change(step_id=step_id):
            step = draft.flow.step(step_id)
            if step is None or not step.is_question or not draft.applies(step):
                return _refuse("unknown_step")
            draft.return_to_summary = True
            _ask(draft, step)
            return _OK
    if draft.status is RunStatus.reviewing:
        return _refuse("reviewing")
    step = draft.flow.step(draft.current_step)
    assert step is not None  # guaranteed by _position_is_valid for a waiting run
    return _answer(draft, step, action)


def _position_is_valid(draft: _Draft) -> bool:
    if draft.status is RunStatus.reviewing:
        return True
    step = draft.flow.step(draft.current_step)
    return step is not None and step.is_question


def _read_typed(draft: _Draft, action: Input) -> Input:
    """Typed words at a question, read as the button they name (see `as_typed`)."""
    step = draft.flow.step(draft.current_step)
    if draft.status is RunStatus.waiting and step is not None:
        return as_typed(step, draft.context, draft.answers, action)
    return action


def _answer(draft: _Draft, step: Step, action: Input) -> _Outcome:
    match action:
        case Skip():
            if not step.optional:
                return _refuse("required")
            _skip(draft, step)
            return _OK
        case Choose(option_id=option_id) if step.kind in ("choice", "scale", "yesno"):
            if option_id not in offered_ids(step, draft.answers, draft.context):
                return _refuse("use_buttons")
            _record(draft, step, option_id)
            return _OK
        case Toggle(option_id=option_id) if step.kind == "multi":
            if option_id not in offered_ids(step, draft.answers, draft.context):
                return _refuse("use_buttons")
            draft.selection = toggled(step, draft.selection, option_id)
            draft.events.append(_asked(draft, step))
            return _OK
        case Done() if step.kind == "multi":
            minimum = 1 if step.min is None else step.min
            if not draft.selection and step.optional:
                _skip(draft, step)
            elif len(draft.selection) < minimum:
                return _refuse("too_few", min=minimum)
            else:
                _record(draft, step, list(draft.selection))
            return _OK
        case Text(text=text) if step.kind == "text":
            text = text.strip()
            limit = step.text_limit
            if not text:
                return _refuse("empty_text")
            if limit is not None and len(text) > limit:
                return _refuse("too_long", max_length=limit)
            _record(draft, step, text)
            return _OK
        case Text(text=text) if step.kind == "date":
            parsed = parse_date(text)
            if parsed is None:
                return _refuse("bad_date")
            if step.no_future and draft.today is not None and parsed > draft.today:
                return _refuse("date_in_future")
            earlier = draft.answers.get(step.not_before or "")
            if isinstance(earlier, str) and parsed < date.fromisoformat(earlier):
                return _refuse("date_before", earlier=date.fromisoformat(earlier))
            if long_before_due(step, draft.context, draft.selection, parsed):
                # Asked again rather than refused: typing the same date again confirms it.
                draft.selection = [parsed.isoformat()]
                due = date.fromisoformat(str(draft.context.meeting_due))
                draft.events.append(
                    Said(draft.say("long_before_due", days=step.max_days_before_due, due=due))
                )
                draft.events.append(_asked(draft, step))
                return _OK
            _record(draft, step, parsed.isoformat())
            return _OK
    return _refuse("type_answer" if step.kind in ("text", "date") else "use_buttons")


def _record(draft: _Draft, step: Step, value: AnswerValue) -> None:
    applied_before = _applicable_ids(draft)
    draft.answers[step.id] = value
    draft.events.append(
        AnswerRecorded(step.id, copy_answer(value), step.theme, free_text=step.kind == "text")
    )
    reply = step.replies.get(value) if isinstance(value, str) else None
    if reply is not None:
        draft.events.append(
            Said(prompts.personal(localise(reply, draft.context.locale), draft.context))
        )
    _move_on(draft, step, applied_before)


def _skip(draft: _Draft, step: Step) -> None:
    applied_before = _applicable_ids(draft)
    draft.answers.pop(step.id, None)
    draft.events.append(Skipped(step.id))
    _move_on(draft, step, applied_before)


def _applicable_ids(draft: _Draft) -> set[str]:
    return {step.id for step in draft.flow.steps if draft.applies(step)}


def _move_on(draft: _Draft, step: Step, applied_before: set[str]) -> None:
    """Drop answers that no longer apply, then ask the next question or show the summary."""
    if step.id not in draft.history:
        draft.history.append(step.id)
    _drop_answers_that_no_longer_apply(draft)
    if draft.return_to_summary:
        # Info a change brings in (e.g. "That's OK" after "I'd rather not come") is said once.
        draft.events.extend(
            Said(prompts.step_text(info, draft.answers, draft.context))
            for info in draft.flow.steps
            if not info.is_question and info.id not in applied_before and draft.applies(info)
        )
        _return_to_summary(draft)
    else:
        _go_forward(draft, draft.flow.index(step.id) + 1)


def _drop_answers_that_no_longer_apply(draft: _Draft) -> None:
    # Conditions only look at earlier steps, so one pass in order settles every step.
    dropped = []
    for step in draft.flow.steps:
        if not draft.applies(step):
            if draft.answers.pop(step.id, None) is not None:
                dropped.append(step.id)
            if step.id in draft.history:
                draft.history.remove(step.id)
    if dropped:
        draft.events.append(AnswersDropped(tuple(dropped)))
    draft.history.sort(key=draft.flow.index)


def _return_to_summary(draft: _Draft) -> None:
    for step in draft.flow.steps:
        unseen = step.id not in draft.answers and step.id not in draft.history
        if step.is_question and unseen and draft.applies(step):
            _ask(draft, step)
            return
    _show_summary(draft)


def _go_forward(draft: _Draft, position: int) -> None:
    for step in draft.flow.steps[position:]:
        if not draft.applies(step):
            continue
        if step.is_question:
            _ask(draft, step)
            return
        draft.events.append(Said(prompts.step_text(step, draft.answers, draft.context)))
    _show_summary(draft)


def _go_back(draft: _Draft) -> _Outcome:
    if draft.return_to_summary and draft.status is RunStatus.waiting:
        # Back while changing an answer keeps the old answer; a newly applicable question
        # has no old answer to keep, so it must be answered or skipped.
        if draft.current_step not in draft.history:
            return _refuse("cannot_go_back")
        _return_to_summary(draft)
        return _OK
    if not draft.history:
        return _refuse("cannot_go_back")
    step = draft.flow.step(draft.history.pop())
    assert step is not None  # history only holds ids of the flow's steps
    draft.return_to_summary = False
    _ask(draft, step)
    return _OK


def _ask(draft: _Draft, step: Step) -> None:
    previous = draft.answers.get(step.id)
    draft.status, draft.current_step = RunStatus.waiting, step.id
    draft.selection = list(previous) if isinstance(previous, list) else []
    draft.events.append(_asked(draft, step))


def _asked(draft: _Draft, step: Step) -> Asked:
    can_go_back = step.id in draft.history if draft.return_to_summary else bool(draft.history)
    return prompts.asked(step, draft.context, draft.answers, draft.selection, can_go_back)


def _show_summary(draft: _Draft) -> None:
    draft.status, draft.current_step = RunStatus.reviewing, None
    draft.return_to_summary, draft.selection = False, []
    draft.events.append(_summary(draft))


def _summary(draft: _Draft) -> SummaryShown:
    return prompts.summary(draft.flow, draft.context, draft.answers, draft.history)
