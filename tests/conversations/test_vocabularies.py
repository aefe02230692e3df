"""Each vocabulary is typed once, and what must repeat it across a layer line agrees with it."""

from __future__ import annotations

from itertools import pairwise

from bot.app.dates import MEETING_KEYS
from bot.app.texts import SHARE_KEYS
from conversations import challenge_codes
from conversations.flow_check import load_flows
from conversations.flow_ids import FlowId
from conversations.review_kinds import REVIEW_KINDS, VIEWS_FLOW, VIEWS_FLOWS
from conversations.sharing import IRO_ONLY, READERS, SHARE_CHOICES, choices_shown_to, share_choice
from feedback_reports.children_words import CHALLENGE_CATEGORY_WORDS, STAGE_WORDS
from feedback_reports.labels import KIND_WORDS
from feedback_reports.participation_model import ParticipationReport
from feedback_reports.record import READER_WORDS
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


def test_the_iro_reads_every_choice_and_each_wider_choice_adds_readers() -> None:
    readers = [set(choice.readers) for choice in SHARE_CHOICES.values()]
    assert all(set(IRO_ONLY.readers) <= found for found in readers)
    assert all(narrow < wide for narrow, wide in pairwise(readers))
    assert set().union(*readers) == set(READERS) == set(READER_WORDS)
    assert choices_shown_to("iro") == tuple(SHARE_CHOICES)
    assert choices_shown_to("meeting") == ("everyone_at_meeting",)


def test_a_run_sent_without_a_known_choice_is_the_iros_alone() -> None:
    assert share_choice(None) is share_choice("shared_by_an_old_flow") is IRO_ONLY
    assert share_choice("iro_and_social_worker") is SHARE_CHOICES["iro_and_social_worker"]
    assert set(SHARE_KEYS) == set(SHARE_CHOICES)  # the bot has words for each choice


def test_every_layer_knows_the_same_challenge_codes() -> None:
    assert models.CHALLENGE_CATEGORIES == challenge_codes.CHALLENGE_CATEGORIES
    assert models.CHALLENGE_STAGES == challenge_codes.CHALLENGE_STAGES
    assert models.CHALLENGE_OUTCOMES == challenge_codes.CHALLENGE_OUTCOMES
    assert tuple(CHALLENGE_CATEGORY_WORDS) == models.CHALLENGE_CATEGORIES
    assert tuple(STAGE_WORDS) == models.CHALLENGE_STAGES
    flow = load_flows()[FlowId.challenge]
    for role, codes in (
        ("challenge_category", models.CHALLENGE_CATEGORIES),
        ("challenge_stage", models.CHALLENGE_STAGES),
        ("challenge_outcome", models.CHALLENGE_OUTCOMES),
    ):
        step = flow.step_with_role(role)
        assert step is not None and step.option_ids == codes, role
    assert flow.audience == ("iro",)
