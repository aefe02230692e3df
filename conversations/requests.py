"""Which answers of a sent run ask a person for something: the flow file says so."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from conversations.flow_spec import Flow, RequestSpec
from conversations.runs import AnswerValue


@dataclass(frozen=True)
class RaisedRequest:
    """A request an answer raised: which step, and what the flow says about it."""

    step_id: str
    spec: RequestSpec


def requests_raised(flow: Flow, answers: Mapping[str, AnswerValue]) -> list[RaisedRequest]:
    """The requests these answers raise, in step order (a multi step raises on any tick)."""
    raised = []
    for step in flow.steps:
        if step.request is None or step.id not in answers:
            continue
        answer = answers[step.id]
        picked = set(answer) if isinstance(answer, list) else {answer}
        if picked & set(step.request.on):
            raised.append(RaisedRequest(step.id, step.request))
    return raised
