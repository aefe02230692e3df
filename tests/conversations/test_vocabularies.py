"""Each vocabulary is typed once, and what must repeat it across a layer line agrees with it."""

from __future__ import annotations

from bot.app.dates import MEETING_KEYS
from conversations.flow_check import load_flows
from conversations.flow_ids import FlowId
from conversations.review_kinds import REVIEW_KINDS, VIEWS_FLOW, VIEWS_FLOWS
from feedback_reports.labels import KIND_WORDS
from feedback_reports.participation_model import ParticipationReport
from storage import models


def test_every_layer_knows_the_same_kinds_of_meeting() -> None:
    assert models.REVIEW_KINDS == REVIEW_KINDS == tuple(VIEWS_FLOW)
    assert REVIEW_KINDS == tuple(MEETING_KEYS) == tuple(KIND_WORDS)
    assert set(REVIEW_KINDS) <= set(ParticipationReport.model_fields)


def test_every_flow_the_bot_starts_is_a_packaged_flow_for_its_audience() -> None:
    flows = load_flows()
    assert {flow_id.value for flow_id in FlowId} <= set(flows)
    for flow_id in (*VIEWS_FLOWS, FlowId.after_meeting, FlowId.checkin):
        assert flows[flow_id].audience == ("child",)
    assert set(flows[FlowId.family_feedback].audience) == {"parent", "carer"}
    assert flows[FlowId.outcome].audience == ("iro",)


def test_a_child_gets_ready_for_a_review_and_a_conference_with_their_own_flows() -> None:
    assert VIEWS_FLOW["cla_review"] is FlowId.before_review
    assert {VIEWS_FLOW[k] for k in ("icpc", "rcpc")} == {FlowId.before_conference}
    assert (FlowId.before_review, FlowId.before_conference) == VIEWS_FLOWS
