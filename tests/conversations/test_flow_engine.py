"""Unit tests of the flow engine, driven through the small sample flow in conftest.py."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from conversations.engine import Transition, current_prompt, handle, reads_as_button, start
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
from conversations.flow_spec import Flow
from conversations.runs import Run, RunContext, RunStatus, age_band_for
from conversations.typed_answers import typed_option

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
TEEN = RunContext(audience="child", age_band="13_plus", review_kind="cla_review")
CHILD = RunContext(audience="child", age_band="8_12", review_kind="cla_review")


def feed(flow: Flow, transition: Transition, *inputs: Input) -> Transition:
    """Apply inputs one by one, failing the test if any is rejected."""
    for action in inputs:
        transition = handle(flow, transition.run, action, NOW)
        rejected = [e for e in transition.events if isinstance(e, Rejected)]
        assert not rejected, f"{action} was rejected: {rejected}"
    return transition


def refused(flow: Flow, transition: Transition, action: Input) -> Rejected:
    """Apply a bad input; check the run is unchanged and return the rejection."""
    after = handle(flow, transition.run, action, NOW)
    assert after.run == transition.run
    event, *again = after.events
    assert isinstance(event, Rejected)
    # Words where a button was wanted offer the question again; nothing else follows.
    assert all(isinstance(e, Asked) for e in again)
    assert bool(again) == (event.reason == "use_buttons")
    return event


def asked(transition: Transition) -> Asked:
    """Return the question the transition ends on."""
    event = transition.events[-1]
    assert isinstance(event, Asked), transition.events
    return event


def summary(transition: Transition) -> SummaryShown:
    """Return the summary the transition ends on."""
    event = transition.events[-1]
    assert isinstance(event, SummaryShown), transition.events
    return event


def to_summary(flow: Flow, context: RunContext = CHILD, attend: str = "no") -> Transition:
    """Answer every question of the sample flow and stop at the summary."""
    t = feed(flow, start(flow, context, NOW), Choose("ok"), Choose(attend))
    if attend == "no":
        t = feed(flow, t, Text("too far"))
    if context.age_band == "13_plus":
        t = feed(flow, t, Choose("yes"))
    return feed(flow, t, Toggle("carer"), Done(), Text("03/03/2025"), Choose("iro"))


class TestStart:
    def test_says_the_info_step_then_asks_the_first_question(self, sample_flow: Flow) -> None:
        t = start(sample_flow, CHILD, NOW)
        assert t.events[0] == Said("Hello")
        question = asked(t)
        assert (question.step_id, question.kind, question.text) == (
            "mood",
            "scale",
            "How do you feel?",
        )
        assert [o.id for o in question.options] == ["sad", "ok", "happy"]
        assert not question.can_skip and not question.can_go_back
        assert t.run.status is RunStatus.waiting and t.run.current_step == "mood"
        assert (t.run.flow_id, t.run.flow_version) == ("sample", 3)

    def test_under_8s_get_the_simpler_wording(self, sample_flow: Flow) -> None:
        t = start(sample_flow, RunContext("child", "under_8", "cla_review"), NOW)
        assert t.events[0] == Said("Hi there")

    def test_an_unknown_locale_falls_back_to_english(self, sample_flow: Flow) -> None:
        t = start(sample_flow, RunContext("child", "8_12", locale="cy"), NOW)
        assert asked(t).text == "How do you feel?"


class TestChoices:
    def test_a_choice_is_recorded_with_its_theme(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, start(sample_flow, CHILD, NOW), Choose("happy"))
        assert t.events[0] == AnswerRecorded("mood", "happy", "feelings", free_text=False)
        assert asked(t).step_id == "attend"
        assert t.run.answers == {"mood": "happy"}

    def test_an_unknown_option_is_refused_politely(self, sample_flow: Flow) -> None:
        event = refused(sample_flow, start(sample_flow, CHILD, NOW), Choose("furious"))
        assert event.message.startswith("I didn't quite catch that. Tap one of the buttons")

    @pytest.mark.parametrize("typed", ["happy", "3", "3.", " Happy! ", "HAPPY"])
    def test_typing_a_buttons_label_or_number_picks_it(
        self, sample_flow: Flow, typed: str
    ) -> None:
        t = feed(sample_flow, start(sample_flow, CHILD, NOW), Text(typed))
        assert t.run.answers == {"mood": "happy"}

    @pytest.mark.parametrize("typed", ["ecstatic", "7", "0", "🙂"])
    def test_typing_anything_else_offers_the_buttons_again(
        self, sample_flow: Flow, typed: str
    ) -> None:
        event = refused(sample_flow, start(sample_flow, CHILD, NOW), Text(typed))
        assert event.reason == "use_buttons"

    @pytest.mark.parametrize("face", ["😢", "😢\ufe0f", " 😢 "])
    def test_typing_a_face_picks_the_face(
        self, packaged_flows: dict[str, Flow], face: str
    ) -> None:
        flow = packaged_flows["checkin"]
        t = feed(flow, start(flow, CHILD, NOW), Text(face))
        assert t.run.answers == {"mood": "very_unhappy"}

    def test_a_yesno_step_has_yes_and_no(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, start(sample_flow, TEEN, NOW), Choose("ok"), Choose("yes"))
        assert [(o.id, o.label) for o in asked(t).options] == [("yes", "Yes"), ("no", "No")]


class TestText:
    def at_why_not(self, flow: Flow) -> Transition:
        return feed(flow, start(flow, CHILD, NOW), Choose("ok"), Choose("no"))

    def test_text_is_stripped_and_marked_as_free_text(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, self.at_why_not(sample_flow), Text("  too far  "))
        assert t.events[0] == AnswerRecorded("why_not", "too far", None, free_text=True)

    def test_text_over_the_limit_is_refused(self, sample_flow: Flow) -> None:
        event = refused(sample_flow, self.at_why_not(sample_flow), Text("x" * 21))
        assert event == Rejected(
            "too_long", "That is a bit long - please keep it under 20 characters."
        )

    def test_the_default_limit_is_telegrams_own(self, packaged_flows: dict[str, Flow]) -> None:
        flow = packaged_flows["checkin"]
        t = feed(flow, start(flow, CHILD, NOW), Choose("ok"))
        assert asked(t).max_length == 4096
        assert refused(flow, t, Text("x" * 4097)).reason == "too_long"
        assert feed(flow, t, Text("x" * 4096)).run.answers["message"] == "x" * 4096

    @pytest.mark.parametrize("typed", ["skip", "Pass", "idk", "I don't know", "dont know."])
    def test_typing_skip_or_dont_know_skips_an_optional_question(
        self, packaged_flows: dict[str, Flow], typed: str
    ) -> None:
        flow = packaged_flows["checkin"]
        t = feed(flow, start(flow, CHILD, NOW), Choose("ok"), Text(typed))
        assert "message" not in t.run.answers and t.run.current_step == "contact_me"

    @pytest.mark.parametrize("typed", ["back", "Back!", "go back"])
    def test_typing_back_goes_back_and_is_never_stored_as_an_answer(
        self, packaged_flows: dict[str, Flow], typed: str
    ) -> None:
        flow = packaged_flows["checkin"]
        # At a question of buttons: "back" is not words for the buttons to refuse.
        at_contact = feed(flow, start(flow, CHILD, NOW), Choose("ok"), Text("school was fine"))
        t = feed(flow, at_contact, Text(typed))
        assert asked(t).step_id == "message" and t.run.answers["message"] == "school was fine"
        # At a question of words: "back" is not the answer.
        t = feed(flow, start(flow, CHILD, NOW), Choose("ok"), Text(typed))
        assert asked(t).step_id == "mood" and "message" not in t.run.answers

    @pytest.mark.parametrize("typed", ["stop", "Stop.", "save for later"])
    def test_typing_stop_pauses_the_run_with_nothing_lost(
        self, packaged_flows: dict[str, Flow], typed: str
    ) -> None:
        flow = packaged_flows["checkin"]
        t = feed(flow, start(flow, CHILD, NOW), Choose("ok"), Text(typed))
        assert any(isinstance(e, Saved) for e in t.events)
        assert t.run.status is RunStatus.waiting and t.run.current_step == "message"
        assert t.run.answers == {"mood": "ok"}

    def test_words_read_as_a_button_are_told_apart_from_the_childs_own(
        self, packaged_flows: dict[str, Flow]
    ) -> None:
        flow = packaged_flows["checkin"]
        at_faces = start(flow, CHILD, NOW).run
        assert all(reads_as_button(flow, at_faces, typed) for typed in ("2", "😢", "back", "stop"))
        assert not reads_as_button(flow, at_faces, "my foster dad shouts at me")
        at_words = feed(flow, start(flow, CHILD, NOW), Choose("ok")).run
        assert reads_as_button(flow, at_words, "idk") and not reads_as_button(flow, at_words, "2")

    @pytest.mark.parametrize("typed", ["idk", "dunno", "I don't know"])
    def test_dont_know_at_a_question_with_a_not_sure_option_chooses_it(
        self, packaged_flows: dict[str, Flow], typed: str
    ) -> None:
        flow = packaged_flows["checkin"]
        t = feed(flow, start(flow, CHILD, NOW), Text(typed))
        assert t.run.answers["mood"] == "not_sure"
        # "skip" is not "not sure": at a question that can be skipped, it skips.
        assert typed_option("skip", [("not_sure", "🤷 Not sure")]) is None

    def test_cancel_with_answers_asks_first_and_resume_carries_on(
        self, packaged_flows: dict[str, Flow]
    ) -> None:
        flow = packaged_flows["checkin"]
        t = feed(flow, start(flow, CHILD, NOW), Choose("ok"))
        asking = handle(flow, t.run, Cancel(), NOW)
        assert asking.run == t.run and isinstance(asking.events[0], CancelAsked)
        carried_on = handle(flow, t.run, Resume(), NOW)
        assert carried_on.run == t.run and asked(carried_on).step_id == "message"
        cancelled = handle(flow, t.run, Cancel(confirmed=True), NOW)
        assert cancelled.run.status is RunStatus.cancelled
        nothing_yet = handle(flow, start(flow, CHILD, NOW).run, Cancel(), NOW)
        assert nothing_yet.run.status is RunStatus.cancelled

    def test_an_unhappy_face_is_answered_kindly_in_the_flows_words(
        self, packaged_flows: dict[str, Flow]
    ) -> None:
        flow = packaged_flows["checkin"]
        sad = feed(flow, start(flow, CHILD, NOW), Choose("unhappy"))
        said = [e.text for e in sad.events if isinstance(e, Said)]
        assert said == ["Thank you for telling me. I'm sorry you feel like this today."]
        happy = feed(flow, start(flow, CHILD, NOW), Choose("happy"))
        assert not any(isinstance(e, Said) for e in happy.events)

    def test_the_iro_and_the_meeting_are_named_when_known(
        self, packaged_flows: dict[str, Flow]
    ) -> None:
        flow = packaged_flows["child_before_review"]
        known = replace(TEEN, iro_name="Sam", meeting_day="on Monday 7 December")
        welcome = start(flow, known, NOW).events[0]
        assert isinstance(welcome, Said) and "Your review is on Monday 7 December." in welcome.text
        unknown = start(flow, TEEN, NOW).events[0]
        assert isinstance(unknown, Said) and "Your review is soon." in unknown.text

    def test_back_shows_the_earlier_typed_answer(self, packaged_flows: dict[str, Flow]) -> None:
        flow = packaged_flows["checkin"]
        t = feed(flow, start(flow, CHILD, NOW), Choose("ok"), Text("school was fine"), Back())
        assert asked(t).step_id == "message" and asked(t).earlier_text == "school was fine"

    def test_empty_text_is_refused(self, sample_flow: Flow) -> None:
        assert refused(sample_flow, self.at_why_not(sample_flow), Text("   ")).reason == (
            "empty_text"
        )

    def test_choosing_on_a_text_step_is_refused(self, sample_flow: Flow) -> None:
        event = refused(sample_flow, self.at_why_not(sample_flow), Choose("no"))
        assert event.message == "Please type your answer."


class TestSkip:
    def test_an_optional_step_can_be_skipped(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, start(sample_flow, CHILD, NOW), Choose("ok"), Choose("no"))
        assert asked(t).can_skip
        t = feed(sample_flow, t, Skip())
        assert t.events[0] == Skipped("why_not")
        assert "why_not" not in t.run.answers and "why_not" in t.run.history
        assert asked(t).step_id == "people"

    def test_a_required_step_cannot_be_skipped(self, sample_flow: Flow) -> None:
        event = refused(sample_flow, start(sample_flow, CHILD, NOW), Skip())
        assert event.reason == "required"


class TestMulti:
    def at_people(self, flow: Flow) -> Transition:
        return feed(flow, start(flow, CHILD, NOW), Choose("ok"), Choose("yes"))

    def test_toggling_ticks_and_unticks_without_recording(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, self.at_people(sample_flow), Toggle("social_worker"))
        assert asked(t).selected == ("social_worker",) and "people" not in t.run.answers
        t = feed(sample_flow, t, Toggle("carer"))
        assert asked(t).selected == ("carer", "social_worker")
        t = feed(sample_flow, t, Toggle("social_worker"))
        assert asked(t).selected == ("carer",)

    def test_an_exclusive_option_unticks_the_others(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, self.at_people(sample_flow), Toggle("carer"), Toggle("not_sure"))
        assert asked(t).selected == ("not_sure",)
        t = feed(sample_flow, t, Toggle("carer"))
        assert asked(t).selected == ("carer",)

    def test_done_records_the_ticked_options_in_order(self, sample_flow: Flow) -> None:
        t = feed(
            sample_flow, self.at_people(sample_flow), Toggle("social_worker"), Toggle("carer")
        )
        t = feed(sample_flow, t, Done())
        assert t.run.answers["people"] == ["carer", "social_worker"]
        assert asked(t).step_id == "held_on"

    def test_done_with_nothing_ticked_is_refused(self, sample_flow: Flow) -> None:
        event = refused(sample_flow, self.at_people(sample_flow), Done())
        assert event.message == "Please choose at least 1."

    def test_done_with_nothing_ticked_skips_an_optional_step(
        self, packaged_flows: dict[str, Flow]
    ) -> None:
        flow = packaged_flows["child_before_review"]
        t = start(flow, TEEN, NOW)  # who comes to the meeting is asked from 13
        while asked(t).step_id != "who_at_meeting":
            t = feed(flow, t, Skip())
        t = feed(flow, t, Done())
        assert t.events[0] == Skipped("who_at_meeting") and asked(t).step_id == "attend"

    def test_choose_is_not_how_a_multi_step_is_answered(self, sample_flow: Flow) -> None:
        assert refused(sample_flow, self.at_people(sample_flow), Choose("carer")).reason == (
            "use_buttons"
        )


class TestDates:
    def at_date(self, flow: Flow) -> Transition:
        t = feed(flow, start(flow, CHILD, NOW), Choose("ok"), Choose("yes"))
        return feed(flow, t, Toggle("carer"), Done())

    @pytest.mark.parametrize(
        ("typed", "stored"),
        [("25/12/2024", "2024-12-25"), ("1/2/2025", "2025-02-01"), ("2024-12-25", "2024-12-25")],
    )
    def test_dates_are_stored_as_iso(self, sample_flow: Flow, typed: str, stored: str) -> None:
        t = feed(sample_flow, self.at_date(sample_flow), Text(typed))
        assert t.run.answers["held_on"] == stored

    @pytest.mark.parametrize("typed", ["31/02/2024", "tomorrow", "12-25-2024", "2024-1-5"])
    def test_other_dates_are_refused(self, sample_flow: Flow, typed: str) -> None:
        event = refused(sample_flow, self.at_date(sample_flow), Text(typed))
        assert event.message == "Please type the date like 25/12/2024."

    def test_a_date_before_the_one_it_may_not_precede_is_refused(
        self, packaged_flows: dict[str, Flow]
    ) -> None:
        flow = packaged_flows["iro_challenge"]
        iro = RunContext(audience="iro", case_ref="C1")
        raised = feed(flow, start(flow, iro, NOW), Text("14/10/2024"), Choose("plan"))
        resolved = feed(flow, raised, Choose("formal1"), Choose("yes"))
        event = refused(flow, resolved, Text("13/10/2024"))
        assert event.reason == "date_before" and "(14/10/2024)" in event.message
        same_day = feed(flow, resolved, Text("14/10/2024"))
        assert same_day.run.answers["resolved_on"] == "2024-10-14"


class TestConditions:
    def test_an_answer_can_bring_in_a_follow_up(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, start(sample_flow, CHILD, NOW), Choose("ok"), Choose("no"))
        assert asked(t).step_id == "why_not"

    def test_a_follow_up_is_passed_over_otherwise(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, start(sample_flow, CHILD, NOW), Choose("ok"), Choose("not_sure"))
        assert asked(t).step_id == "people"

    @pytest.mark.parametrize(
        ("band", "asked_teen"), [("13_plus", True), ("8_12", False), (None, False)]
    )
    def test_age_band(self, sample_flow: Flow, band: str | None, asked_teen: bool) -> None:
        context = RunContext("child", band, "cla_review")
        t = feed(sample_flow, start(sample_flow, context, NOW), Choose("ok"), Choose("yes"))
        assert (asked(t).step_id == "teen_only") is asked_teen

    @pytest.mark.parametrize(
        ("audience", "kind", "asked_icpc"),
        [("child", "icpc", True), ("parent", "icpc", False), ("child", "rcpc", False)],
    )
    def test_review_kind_and_audience(
        self, sample_flow: Flow, audience: str, kind: str, asked_icpc: bool
    ) -> None:
        context = RunContext(audience, "8_12", kind)
        t = feed(sample_flow, start(sample_flow, context, NOW), Choose("ok"), Choose("yes"))
        assert (asked(t).step_id == "icpc_child") is asked_icpc


class TestBack:
    def test_back_asks_the_previous_question_showing_the_answer(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, start(sample_flow, CHILD, NOW), Choose("happy"), Back())
        question = asked(t)
        assert question.step_id == "mood" and question.selected == ("happy",)
        assert t.run.answers == {"mood": "happy"}

    def test_there_is_no_back_from_the_first_question(self, sample_flow: Flow) -> None:
        assert refused(sample_flow, start(sample_flow, CHILD, NOW), Back()).reason == (
            "cannot_go_back"
        )

    def test_back_from_the_summary_asks_the_last_question(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, to_summary(sample_flow), Back())
        assert asked(t).step_id == "share_with" and t.run.status is RunStatus.waiting
        assert summary(feed(sample_flow, t, Choose("iro"))).items[-1].answer_text == (
            "Only my IRO"
        )


class TestSummaryAndChanges:
    def test_the_summary_lists_answers_in_plain_words(self, sample_flow: Flow) -> None:
        t = to_summary(sample_flow)
        assert t.run.status is RunStatus.reviewing and t.run.current_step is None
        answers = {item.step_id: item.answer_text for item in summary(t).items}
        assert answers == {
            "mood": "OK",
            "attend": "No",
            "why_not": "too far",
            "people": "My carer",
            "held_on": "03/03/2025",
            "share_with": "Only my IRO",
        }
        assert [a.id for a in summary(t).actions] == ["send", "save_for_later", "cancel"]

    def test_a_skipped_question_shows_as_not_answered(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, start(sample_flow, CHILD, NOW), Choose("ok"), Choose("no"), Skip())
        t = feed(sample_flow, t, Toggle("carer"), Done(), Text("03/03/2025"), Choose("iro"))
        items = {item.step_id: item.answer_text for item in summary(t).items}
        assert items["why_not"] == "Not answered"

    def test_changing_an_answer_returns_to_the_summary(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, to_summary(sample_flow), Change("mood"))
        assert asked(t).selected == ("ok",) and asked(t).can_go_back
        t = feed(sample_flow, t, Choose("sad"))
        assert summary(t).items[0].answer_text == "Sad"
        assert t.run.answers["mood"] == "sad"

    def test_a_change_can_bring_in_a_new_question(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, to_summary(sample_flow, attend="yes"), Change("attend"))
        t = feed(sample_flow, t, Choose("no"))
        question = asked(t)
        assert question.step_id == "why_not" and not question.can_go_back
        assert refused(sample_flow, t, Back()).reason == "cannot_go_back"
        t = feed(sample_flow, t, Text("busy"))
        assert [i.step_id for i in summary(t).items][:3] == ["mood", "attend", "why_not"]

    def test_a_change_drops_answers_that_no_longer_apply(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, to_summary(sample_flow, attend="no"), Change("attend"))
        t = feed(sample_flow, t, Choose("yes"))
        assert AnswersDropped(("why_not",)) in t.events
        assert "why_not" not in t.run.answers and "why_not" not in t.run.history
        assert "why_not" not in [item.step_id for item in summary(t).items]

    def test_back_while_changing_keeps_the_old_answer(self, sample_flow: Flow) -> None:
        before = to_summary(sample_flow)
        t = feed(sample_flow, before, Change("mood"), Back())
        assert summary(t) == summary(before) and t.run.answers == before.run.answers

    def test_only_applicable_questions_can_be_changed(self, sample_flow: Flow) -> None:
        t = to_summary(sample_flow)
        for step_id in ("teen_only", "hello", "nonsense"):
            assert refused(sample_flow, t, Change(step_id)).reason == "unknown_step"

    def test_answering_while_the_summary_is_shown_is_refused(self, sample_flow: Flow) -> None:
        assert refused(sample_flow, to_summary(sample_flow), Choose("ok")).reason == "reviewing"


class TestEndings:
    def test_send_submits_with_the_sharing_choice(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, to_summary(sample_flow), Send())
        assert t.run.status is RunStatus.submitted and t.run.current_step is None
        assert t.events == [Submitted("iro", "Thank you. Your answers have been sent.")]

    def test_a_flow_without_sharing_sends_to_the_iro(
        self, packaged_flows: dict[str, Flow]
    ) -> None:
        flow = packaged_flows["checkin"]
        t = feed(flow, start(flow, CHILD, NOW), Choose("ok"), Skip(), Choose("no"), Send())
        [event] = t.events
        assert isinstance(event, Submitted) and event.share_with is None

    def test_send_before_the_summary_is_refused(self, sample_flow: Flow) -> None:
        assert refused(sample_flow, start(sample_flow, CHILD, NOW), Send()).reason == (
            "not_reviewing"
        )

    @pytest.mark.parametrize("at_summary", [True, False])
    def test_cancel_ends_the_run(self, sample_flow: Flow, at_summary: bool) -> None:
        before = to_summary(sample_flow) if at_summary else start(sample_flow, CHILD, NOW)
        t = feed(sample_flow, before, Cancel(confirmed=True))
        assert t.events == [Cancelled()] and t.run.status is RunStatus.cancelled

    @pytest.mark.parametrize("ending", [Send(), Cancel(confirmed=True)])
    @pytest.mark.parametrize("later", [Send(), Choose("ok"), Back(), Cancel(), SaveForLater()])
    def test_nothing_is_accepted_after_the_end(
        self, sample_flow: Flow, ending: Input, later: Input
    ) -> None:
        t = feed(sample_flow, to_summary(sample_flow), ending)
        assert refused(sample_flow, t, later).reason == "finished"


class TestSaveAndResume:
    def test_a_saved_run_resumes_at_the_same_question(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, start(sample_flow, CHILD, NOW), Choose("ok"), Choose("yes"))
        t = feed(sample_flow, t, Toggle("carer"))
        saved = feed(sample_flow, t, SaveForLater())
        assert saved.events == [Saved()] and saved.run.status is RunStatus.waiting
        restored = Run.from_dict(json.loads(json.dumps(saved.run.to_dict())))
        assert restored == saved.run
        assert current_prompt(sample_flow, restored) == [asked(t)]
        done = feed(sample_flow, t, Toggle("social_worker"), Done())
        resumed = feed(sample_flow, Transition(restored, []), Toggle("social_worker"), Done())
        assert resumed.run.answers == done.run.answers

    def test_a_saved_summary_resumes_at_the_summary(self, sample_flow: Flow) -> None:
        t = to_summary(sample_flow)
        restored = Run.from_dict(json.loads(json.dumps(t.run.to_dict())))
        assert current_prompt(sample_flow, restored) == [summary(t)]

    def test_a_finished_run_has_no_prompt(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, to_summary(sample_flow), Send())
        assert current_prompt(sample_flow, t.run) == []


class TestPurity:
    def test_handle_leaves_the_given_run_alone(self, sample_flow: Flow) -> None:
        t = feed(sample_flow, start(sample_flow, CHILD, NOW), Choose("ok"), Choose("yes"))
        snapshot = json.dumps(t.run.to_dict())
        feed(sample_flow, t, Toggle("carer"), Done(), Back(), Toggle("social_worker"))
        assert json.dumps(t.run.to_dict()) == snapshot

    def test_a_run_of_another_flow_is_refused(
        self, sample_flow: Flow, packaged_flows: dict[str, Flow]
    ) -> None:
        other = start(packaged_flows["checkin"], CHILD, NOW)
        assert refused(sample_flow, other, Choose("ok")).reason == "flow_changed"


@pytest.mark.parametrize(
    ("age", "band"), [(0, "under_8"), (7, "under_8"), (8, "8_12"), (12, "8_12"), (13, "13_plus")]
)
def test_age_band_for(age: int, band: str) -> None:
    assert age_band_for(age) == band
