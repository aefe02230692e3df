"""Question wording and option labels for reports, looked up in the flow files.

This is the one place reports turn step and option ids into words, each answer from the flow
version it was given in (see `conversations.flow_versions`). If the flow files cannot be
loaded (or no version of a flow has a step) the ids themselves are shown, so a report never
fails because a questionnaire changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from conversations.flow_check import FlowError
from conversations.flow_spec import Step
from conversations.flow_versions import FlowLibrary, packaged_library
from conversations.step_roles import StepRole
from storage import codes

logger = logging.getLogger(__name__)

PARTICIPATION_WORDS = {
    "PN0": "Child under 4 at the time of the meeting",
    "PN1": "Attended and spoke for themselves",
    "PN2": "Attended, and an advocate spoke for them",
    "PN3": "Attended and conveyed their views without words (symbols, pictures, play)",
    "PN4": "Attended but did not speak, convey views, or have an advocate speak",
    "PN5": "Did not attend, but briefed an advocate who spoke for them",
    "PN6": "Did not attend, but conveyed their views another way",
    "PN7": "Did not attend, and their views were not conveyed",
}

# Rows of the participation table: a code with its short meaning, and the meetings with none.
CODE_ROW_WORDS = {
    **{code: f"{code}: {words}" for code, words in PARTICIPATION_WORDS.items()},
    "not_recorded": "No participation code recorded",
}

# The percentages of the main table, in reading order, in the words the report prints.
FIGURE_WORDS = {
    "in_timescale": "In timescale (of those held)",
    "in_timescale_with_due_not_held": "In timescale, counting due, not held as late",
    "attended": "Attended (PN1-PN4)",
    "conveyed_without_attending": "Views conveyed without attending (PN5-PN6)",
    "advocate": "Advocate (PN2, PN5)",
    "not_conveyed": "Views not conveyed (PN7)",
    "seen_before": "Seen by the IRO before",
    "views_via_bot": "Views sent through My Say",
}
# The children's percentages a target may be set for (see children_model.TARGETABLE_RATES).
CHILDREN_FIGURE_WORDS = {
    "repeat_plans": "Repeat plans (of plans started)",
    "plans_ended_over_24_months": "Plans ended after over 24 months (of plans ended)",
    "challenges_resolved": "Challenges resolved (of those raised)",
    "challenges_resolved_in_timescale": "Challenges resolved within the local timescale "
    "(of those resolved)",
}
# Every figure a target may be set for, as the definitions name it.
TARGET_WORDS = FIGURE_WORDS | CHILDREN_FIGURE_WORDS

AGE_BAND_WORDS = {
    "under_8": "Under 8",
    "8_12": "8 to 12",
    "13_plus": "13 and over",
    "unknown": "Age not recorded",
}

# Parents' and carers' words are about these themes (ids as in `conversations/flows/`).
THEME_WORDS = {
    "home": "home",
    "school": "school or college",
    "family_contact": "family time",
    "health": "health",
    "friends_activities": "friends and activities",
    "feelings": "feelings",
    "safety": "feeling safe",
    "plan": "the plan",
    "meeting": "the meeting",
    "iro": "the IRO",
}

AUDIENCE_WORDS = {"child": "Children", "parent": "Parents", "carer": "Carers"}

KIND_WORDS = {
    "cla_review": "Looked-after review",
    "icpc": "Initial child protection conference",
    "rcpc": "Review child protection conference",
}


def group_words(dimension: str, key: str) -> str:
    """A breakdown's row as readers see it: an age band or a gender in words."""
    if dimension == "age_band":
        return AGE_BAND_WORDS.get(key, key)
    if key in ("unknown", "not_recorded"):
        return "Not recorded"
    if key == "unrecognised":
        return "Recorded, but not a DfE code"
    return codes.GENDER.get(key, key)


# Faces for mood scales, used when a label carries none (or the flow is not available).
FACES = {
    "very_unhappy": "😢",
    "unhappy": "🙁",
    "ok": "😐",
    "happy": "🙂",
    "very_happy": "😄",
    "not_sure": "🤷",
}
# Answers that say "I don't know" never count as better or worse.
UNRANKED = frozenset({"not_sure"})


@dataclass(frozen=True)
class OptionWords:
    """An option as a reader sees it: plain words, and a face if the label starts with one."""

    words: str
    face: str | None = None


class AnswerWords:
    """Questions and options in words, from the flow version each answer was given in.

    An answer is worded from its run's version; what that version lacks (a step removed while
    the run was open) from the newest version that has it; what no version has, from its ids.
    A version of None means the current one, for counts that span versions.
    """

    def __init__(self, flows: FlowLibrary) -> None:
        self.flows = flows

    def question(self, flow_id: str, version: int | None, step_id: str, locale: str = "en") -> str:
        """Return the question a step asked, or its id if no version of the flow has it."""
        step = next(self._steps(flow_id, version, step_id), None)
        if step is None:
            return step_id.replace("_", " ")
        return step.text.get(locale) or step.text["en"]

    def option(
        self, flow_id: str, version: int | None, step_id: str, option_id: str, locale: str = "en"
    ) -> OptionWords:
        """Return an option's words (and face), or the id itself if no version has it."""
        found = next(
            (
                o
                for step in self._steps(flow_id, version, step_id)
                for o in step.options
                if o.id == option_id
            ),
            None,
        )
        if found is None:
            return OptionWords(option_id.replace("_", " "), FACES.get(option_id))
        label = found.label.get(locale) or found.label["en"]
        first, _, rest = label.partition(" ")
        if rest and not any(ch.isalnum() for ch in first):
            return OptionWords(rest, first)
        return OptionWords(label, FACES.get(option_id))

    def choices(
        self, flow_id: str, version: int | None, step_id: str, kind: str, choice: str | None
    ) -> str:
        """Return an option answer in words (a multi step's options joined with commas)."""
        if choice is None:
            return ""
        if kind == "date":
            return choice
        ids = choice.split(",") if kind == "multi" else [choice]
        return ", ".join(self.option(flow_id, version, step_id, i).words for i in ids)

    def rank(self, flow_id: str, version: int | None, step_id: str, option_id: str) -> int | None:
        """Return an option's position on a scale (higher is better), or None if unranked."""
        if option_id in UNRANKED:
            return None
        for step in self._steps(flow_id, version, step_id):
            ids = [o for o in step.option_ids if o not in UNRANKED]
            if option_id in ids:
                return ids.index(option_id)
        faces = [o for o in FACES if o not in UNRANKED]
        if option_id in faces:
            return faces.index(option_id)
        return int(option_id) if option_id.isdigit() else None

    def role(self, flow_id: str, version: int | None, step_id: str) -> StepRole | None:
        """Return what Python relies on a step for (its `role:`), or None if nothing."""
        step = next(self._steps(flow_id, version, step_id), None)
        return step.role if step is not None else None

    def steps_with_role(self, role: StepRole) -> tuple[str, ...]:
        """Return the ids of the steps marked with this role, in any flow and version."""
        marked = (
            flow.step_with_role(role)
            for flow_id in self.flows
            for flow in self.flows.versions(flow_id)
        )
        return tuple(sorted({step.id for step in marked if step is not None}))

    def _steps(self, flow_id: str, version: int | None, step_id: str) -> Iterator[Step]:
        for flow in self.flows.versions(flow_id, version):
            step = flow.step(step_id)
            if step is not None:
                yield step


@lru_cache(maxsize=1)
def packaged_words() -> AnswerWords:
    """Words from the packaged flows and their kept versions (ids if they cannot be loaded)."""
    try:
        return AnswerWords(packaged_library())
    except FlowError:
        logger.warning("flow files could not be loaded; reports will show step ids")
        return AnswerWords(FlowLibrary({}))
