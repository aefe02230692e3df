"""The flows the bot starts by name: each is a flow file's `id`, typed here once.

Other flow files may exist (a `mysay flows run` experiment); nothing starts them.
"""

from __future__ import annotations

from enum import StrEnum


class FlowId(StrEnum):
    """A flow Python starts, by what it is for."""

    before_review = "child_before_review"  # a child gets ready for a looked-after review
    before_conference = "child_before_conference"  # ... for a child protection conference
    after_meeting = "child_after_review"  # a child says how their last meeting went
    checkin = "checkin"  # a child between meetings
    family_feedback = "parent_feedback"  # a parent or carer on the IRO service
    outcome = "iro_outcome"  # an IRO records how a meeting went
    challenge = "iro_challenge"  # an IRO records an issue raised about a child's plan
