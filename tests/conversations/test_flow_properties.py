"""Property tests: any mix of sensible and silly inputs leaves every flow's run consistent.

Each example starts a packaged flow in a random context, feeds it random inputs (mostly ones
that fit the current question, some that do not), checks the invariants after every input,
then answers sensibly and checks the run can always be sent.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations import prompts
from conversations.conditions import holds
from conversations.engine import Transition, current_prompt, handle, start
from conversations.events import (
    Asked,
    Back,
    Cancel,
    Change,
    Choose,
    Done,
    Input,
    Rejected,
    SaveForLater,
    Send,
    Skip,
    SummaryShown,
    Text,
    Toggle,
)
from conversations.flow_check import FLOWS_DIR, load_flows
from conversations.flow_spec import AGE_BANDS, AUDIENCES, Flow
from conversations.review_kinds import REVIEW_KINDS
from conversations.runs import Run, RunContext, RunStatus

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
FLOW_IDS = sorted(path.stem for path in FLOWS_DIR.glob("*.yaml"))


@cache
def packaged_flows() -> dict[str, Flow]:
    """Load the packaged flows once (a plain cache keeps them out of hypothesis reports)."""
    return load_flows()


contexts = st.builds(
    RunContext,
    audience=st.sampled_from(AUDIENCES),
    age_band=st.sampled_from([None, *AGE_BANDS]),
    review_kind=st.sampled_from([None, *REVIEW_KINDS]),
    locale=st.sampled_from(["en", "cy"]),
)
texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["25/12/2024", "2024-02-29", "31/02/2024", "   ", "x" * 1001, "skip"]),
)


def any_input(flow: Flow) -> st.SearchStrategy[Input]:
    """Return inputs of every kind, most of them wrong for wherever the run is."""
    option_ids = sorted({option for step in flow.steps for option in step.option_ids})
    step_ids = [step.id for step in flow.steps]
    return st.one_of(
        st.builds(Choose, st.sampled_from([*option_ids, "", "nope"])),
        st.builds(Toggle, st.sampled_from([*option_ids, "nope"])),
        st.builds(Text, texts),
        st.builds(Change, st.sampled_from([*step_ids, "nope"])),
        st.sampled_from([Done(), Skip(), Back(), Send(), SaveForLater(), Cancel()]),
    )


def answer(flow: Flow, run: Run, finishing: bool) -> st.SearchStrategy[Input]:
    """Return answers that move the run on; at the summary, change an answer or send."""
    step = flow.step(run.current_step)
    if step is None:
        items = [s.id for s in flow.steps if s.id in run.answers or s.id in run.history]
        return st.just(Send()) if finishing else st.builds(Change, st.sampled_from(items))
    if step.kind == "multi":
        offered_ticks = [o.id for o in prompts.offered(step, run.answers, run.context)]
        ticks = st.builds(Toggle, st.sampled_from(offered_ticks))
        # While finishing, Done as soon as something is ticked, so the loop always ends.
        return st.just(Done()) if finishing and run.selection else ticks | st.just(Done())
    if step.options:
        offered = [option.id for option in prompts.offered(step, run.answers, run.context)]
        return st.builds(Choose, st.sampled_from(offered))
    if step.kind == "date":
        # A held date is never in the future (dates long before a meeting are asked twice),
        # nor before the date it may not precede.
        earlier = run.answers.get(step.not_before or "")
        first = date.fromisoformat(earlier) if isinstance(earlier, str) else date(2000, 1, 1)
        return st.dates(first, NOW.date()).map(lambda d: Text(d.strftime("%d/%m/%Y")))
    return st.text(min_size=1, max_size=60).filter(str.strip).map(Text)


def navigation(flow: Flow, run: Run) -> st.SearchStrategy[Input]:
    """Return the moves that are not answers: back, skip, save for later."""
    return st.sampled_from([Back(), Skip(), SaveForLater()])


def applies(flow: Flow, run: Run, step_id: str) -> bool:
    step = flow.step(step_id)
    assert step is not None, f"unknown step {step_id}"
    return step.when is None or holds(step.when, run.answers, run.context)


def check_invariants(flow: Flow, before: Run, action: Input, after: Transition) -> None:
    """Assert everything that must hold after any input."""
    run = after.run
    if any(isinstance(event, Rejected) for event in after.events):
        # A refusal changes nothing; a button wanted is offered again (the question only).
        rejected, *again = after.events
        assert run == before and isinstance(rejected, Rejected)
        assert all(isinstance(event, Asked) for event in again)
    assert Run.from_dict(json.loads(json.dumps(run.to_dict()))) == run
    if run.status is RunStatus.waiting:
        step = flow.step(run.current_step)
        assert step is not None and step.is_question and applies(flow, run, step.id)
    else:
        assert run.current_step is None
    # What the host shows after a restart is what it showed last.
    if isinstance(after.events[-1], Asked | SummaryShown):
        assert current_prompt(flow, run) == [after.events[-1]]
    for step_id, value in run.answers.items():
        step = flow.step(step_id)
        assert step is not None and step.is_question and applies(flow, run, step_id)
        chosen = value if isinstance(value, list) else [value]
        if step.options:
            assert set(chosen) <= set(step.option_ids)
        elif step.kind == "date":
            date.fromisoformat(str(value))
        else:
            assert isinstance(value, str) and 0 < len(value) <= (step.text_limit or 0)
    assert all(applies(flow, run, step_id) for step_id in run.history)
    assert len(set(run.history)) == len(run.history)
    # An answer only changes or goes when the person answers or skips that very step, or
    # when its step no longer applies.
    for step_id, value in before.answers.items():
        if run.answers.get(step_id) != value:
            answered_it = before.status is RunStatus.waiting and before.current_step == step_id
            assert answered_it or not applies(flow, run, step_id), (step_id, action)


@pytest.mark.parametrize("flow_id", FLOW_IDS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(context=contexts, data=st.data())
def test_any_inputs_keep_the_run_consistent(
    flow_id: str, context: RunContext, data: st.DataObject
) -> None:
    flow = packaged_flows()[flow_id]
    transition = start(flow, context, NOW)
    for _ in range(data.draw(st.integers(0, 60), label="inputs")):
        if transition.run.status.finished:
            break
        roll = data.draw(st.integers(0, 9))
        run = transition.run
        if roll < 6:
            action = data.draw(answer(flow, run, finishing=False))
        else:
            action = data.draw(navigation(flow, run) if roll < 8 else any_input(flow))
        before = transition.run
        transition = handle(flow, before, action, NOW)
        check_invariants(flow, before, action, transition)
    if transition.run.status is RunStatus.cancelled:
        return
    # Every path ends: answering sensibly always reaches the summary, and Send submits.
    for _ in range(3 * len(flow.steps) + 2):  # a multi step takes two inputs
        run = transition.run
        if run.status is RunStatus.submitted:
            break
        action = data.draw(answer(flow, run, finishing=True))
        transition = handle(flow, run, action, NOW)
        check_invariants(flow, run, action, transition)
        assert not any(isinstance(event, Rejected) for event in transition.events), action
    assert transition.run.status is RunStatus.submitted
