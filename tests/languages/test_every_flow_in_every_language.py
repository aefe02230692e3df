"""Every flow, walked in every language My Say translates, shows nothing in English.

The walks go through the engine as a participant would: each kind of person, age band and
meeting the flow is for, choosing each option in turn, typing, sending. A text shown in
English instead is logged as a fallback (once per text), which fails the walk; the flow
file and both catalogues are also checked whole, so a text no walk reaches is not missed.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from bot.app import texts
from conversations import messages
from conversations.engine import handle, start
from conversations.events import Asked, Choose, Done, Event, Send, SummaryShown, Text, Toggle
from conversations.flow_check import load_flows
from conversations.flow_spec import AGE_BANDS, Flow
from conversations.languages import TRANSLATED
from conversations.review_kinds import REVIEW_KINDS
from conversations.runs import Run, RunContext, RunStatus
from conversations.translations import missing_translations

FLOWS = load_flows()
NOW = datetime(2026, 12, 10, 10, 0, tzinfo=UTC)
MEETING = "2026-12-07"
# Typed answers in no language the screener matters here: the engine only stores them.
TYPED = {"text": "…", "date": "07/12/2026"}

Fallbacks = Callable[[], list[str]]
Answer = Send | Choose | Toggle | Done | Text


@pytest.fixture
def fallbacks(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> Fallbacks:
    """The fallbacks logged from now on (each is logged once a process: start afresh)."""
    monkeypatch.setattr(messages, "_fell_back", set())
    monkeypatch.setattr(messages.catalogue(), "_fell_back", set())
    caplog.set_level(logging.WARNING)
    return lambda: [r.getMessage() for r in caplog.records if "shown in English" in r.getMessage()]


def _contexts(flow: Flow, language: str) -> Iterator[RunContext]:
    for audience, band, kind in itertools.product(
        flow.audience, (None, *AGE_BANDS), (None, *REVIEW_KINDS)
    ):
        yield RunContext(
            audience=audience,
            age_band=band,
            review_kind=kind,
            locale=language,
            iro_name="Sam",
            meeting_day="7",
            child_age=2 if band == "under_8" else 14,
            meeting_due=MEETING,
        )


def _walk(flow: Flow, context: RunContext, turn: int) -> list[Event]:
    """Answer every question (option number `turn`, wrapping round), then send."""
    transition = start(flow, context, NOW)
    shown: list[Event] = list(transition.events)
    run: Run = transition.run
    for _ in range(len(flow.steps) * 3):
        if run.status is not RunStatus.waiting and run.status is not RunStatus.reviewing:
            return shown
        last = shown[-1] if shown else None
        for action in _answers(flow, last, turn):
            transition = handle(flow, run, action, NOW)
            run = transition.run
            shown.extend(transition.events)
    raise AssertionError(f"{flow.id} never finished")


def _answers(
    flow: Flow, last: Event | None, turn: int
) -> list[Send | Choose | Toggle | Done | Text]:
    if isinstance(last, SummaryShown):
        return [Send()]
    assert isinstance(last, Asked), last
    step = flow.step(last.step_id)
    assert step is not None
    offered = [option.id for option in last.options]
    if step.kind == "multi":
        return [Toggle(offered[turn % len(offered)]), Done()]
    if offered:
        return [Choose(offered[turn % len(offered)])]
    return [Text(TYPED[step.kind])]


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("flow_id", sorted(FLOWS))
def test_every_flow_walks_in_the_language_without_english(
    flow_id: str, language: str, fallbacks: Fallbacks
) -> None:
    flow = FLOWS[flow_id]
    most_options = max(len(step.options) for step in flow.steps)
    for context in _contexts(flow, language):
        for turn in range(most_options):
            _walk(flow, context, turn)

    assert fallbacks() == []
    assert missing_translations(flow, language) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_bot_and_the_engine_say_everything_in_the_language(language: str) -> None:
    for catalogue in (texts.catalogue(), messages.catalogue()):
        assert catalogue.coverage(language).missing == ()
