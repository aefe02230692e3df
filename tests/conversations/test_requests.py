"""Which answers raise a request is read from the flow file, not written in Python."""

from __future__ import annotations

from conversations.flow_check import load_flows
from conversations.requests import requests_raised


def test_a_yes_to_being_contacted_raises_the_flows_request() -> None:
    checkin = load_flows()["checkin"]
    [raised] = requests_raised(checkin, {"mood": "ok", "contact_me": "yes"})
    assert (raised.step_id, raised.spec.kind) == ("contact_me", "contact_me")
    assert "get in touch" in raised.spec.about["en"]
    assert requests_raised(checkin, {"mood": "ok", "contact_me": "no"}) == []
    assert requests_raised(checkin, {"mood": "ok"}) == []


def test_the_review_flow_raises_one_request_per_yes() -> None:
    review = load_flows()["child_before_review"]
    answers = {"talk_to_iro_first": "yes", "advocate": "yes"}
    assert [r.spec.kind for r in requests_raised(review, answers)] == ["talk_to_iro", "advocate"]
    answers = {"talk_to_iro_first": "not_sure", "advocate": "already_have"}
    assert requests_raised(review, answers) == []
