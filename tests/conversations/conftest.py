"""Fixtures for the flow engine tests: a small flow that uses every step kind, and a clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conversations.flow_check import load_flow, load_flows
from conversations.flow_spec import Flow

SAMPLE_FLOW = """\
spec_version: 1
id: sample
version: 3
title: {en: Sample}
audience: [child, parent]
steps:
  - id: hello
    kind: info
    text: {en: Hello}
    variants:
      - when: {age_band: [under_8]}
        text: {en: Hi there}
  - id: mood
    kind: scale
    theme: feelings
    text: {en: "How do you feel?"}
    options:
      - {id: sad, label: {en: Sad}}
      - {id: ok, label: {en: OK}}
      - {id: happy, label: {en: Happy}}
  - id: attend
    kind: choice
    theme: meeting
    text: {en: "Will you come?"}
    options:
      - {id: yes, label: {en: Yes}}
      - {id: no, label: {en: No}}
      - {id: not_sure, label: {en: Not sure}}
  - id: why_not
    kind: text
    optional: true
    max_length: 20
    when: {answer: {step: attend, in: [no]}}
    text: {en: "Why not?"}
  - id: teen_only
    kind: yesno
    when: {age_band: [13_plus]}
    text: {en: "Are you a teenager?"}
  - id: icpc_child
    kind: text
    optional: true
    when: {all: [{review_kind: [icpc]}, {audience: [child]}]}
    text: {en: "Anything about the conference?"}
  - id: people
    kind: multi
    text: {en: "Who should come?"}
    options:
      - {id: carer, label: {en: My carer}}
      - {id: social_worker, label: {en: My social worker}}
      - {id: not_sure, label: {en: Not sure}, exclusive: true}
  - id: held_on
    kind: date
    text: {en: "When?"}
  - id: share_with
    kind: choice
    role: share_with
    text: {en: "Who can read this?"}
    options:
      - {id: iro, label: {en: Only my IRO}}
      - {id: iro_and_social_worker, label: {en: My IRO and social worker}}
"""


@pytest.fixture(scope="session")
def packaged_flows() -> dict[str, Flow]:
    """Return every flow shipped in conversations/flows."""
    return load_flows()


@pytest.fixture(scope="session")
def sample_flow(tmp_path_factory: pytest.TempPathFactory) -> Flow:
    """Return the small flow above, loaded through the real loader."""
    path: Path = tmp_path_factory.mktemp("flows") / "sample.yaml"
    path.write_text(SAMPLE_FLOW, encoding="utf-8")
    return load_flow(path)


@pytest.fixture
def clock() -> Callable[[], datetime]:
    """Return a clock that starts at a fixed time and moves on a minute per reading."""
    readings = iter(range(10_000))
    start = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    return lambda: start + timedelta(minutes=next(readings))
