"""The steps Python relies on, marked in the flow files by `role:` rather than by step id.

A flow file says which of its steps means what (`role: attendance`), so a step can be renamed,
moved or reworded without touching Python; Python finds the step by its role. Each role fits
some kinds of step (and options); the flows the bot starts need theirs. `mysay flows check`
(and loading the flows) names a role that does not fit, appears twice, or is missing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

from conversations.challenge_codes import (
    CHALLENGE_CATEGORIES,
    CHALLENGE_OUTCOMES,
    CHALLENGE_STAGES,
)
from conversations.flow_ids import FlowId
from conversations.review_kinds import VIEWS_FLOWS
from conversations.sharing import SHARE_CHOICES

if TYPE_CHECKING:
    from conversations.flow_spec import Step

StepRole = Literal[
    "share_with",  # who may read the sent answers (the review record obeys it)
    "attendance",  # the record's "How I want to take part"
    "talk_first",
    "advocate",
    "rating",  # parents' and carers' rating of the chair, 1 to 5, in the annual report
    "quote_consent",  # yes lets the annual report quote their words
    "held_on",  # the IRO's outcome, copied onto the meeting
    "in_timescale",
    "participation",
    "seen_before",
    "note_to_child",
    "challenge_raised_on",  # an IRO's challenge, copied into the annual report's log
    "challenge_category",
    "challenge_stage",
    "challenge_resolved_on",
    "challenge_outcome",
]
STEP_ROLES: tuple[str, ...] = get_args(StepRole)


@dataclass(frozen=True)
class RoleFit:
    """The kinds of step a role can be on, and the options it may offer (None: any)."""

    kinds: tuple[str, ...]
    options: tuple[str, ...] | None = None

    def fits(self, step: Step) -> bool:
        """Say whether the step is of a kind, and offers only options, this role can take."""
        offered_ok = self.options is None or set(step.option_ids) <= set(self.options)
        return step.kind in self.kinds and offered_ok

    def describe(self) -> str:
        """Return what fits, in words: 'choice step with options from: iro, ...'."""
        kinds = " or ".join(self.kinds)
        if self.options is None:
            return f"{kinds} step"
        return f"{kinds} step with options from: {', '.join(self.options)}"


_TAKES_OPTIONS = RoleFit(("choice", "yesno"))
_YES_NO = RoleFit(("yesno",))
FITS: dict[StepRole, RoleFit] = {
    "share_with": RoleFit(("choice",), tuple(SHARE_CHOICES)),
    "attendance": _TAKES_OPTIONS,
    "talk_first": _TAKES_OPTIONS,
    "advocate": _TAKES_OPTIONS,
    "rating": RoleFit(("scale",), ("1", "2", "3", "4", "5")),
    "quote_consent": _YES_NO,
    "held_on": RoleFit(("date",)),
    "in_timescale": _YES_NO,
    "participation": RoleFit(("choice",)),
    "seen_before": _YES_NO,
    "note_to_child": RoleFit(("text",)),
    "challenge_raised_on": RoleFit(("date",)),
    "challenge_category": RoleFit(("choice",), CHALLENGE_CATEGORIES),
    "challenge_stage": RoleFit(("choice",), CHALLENGE_STAGES),
    "challenge_resolved_on": RoleFit(("date",)),
    "challenge_outcome": RoleFit(("choice",), CHALLENGE_OUTCOMES),
}
# The roles each flow the bot starts must mark: without them an outcome would not reach the
# meeting, a child could not choose who reads, or a report would quietly lose a figure.
_VIEWS: frozenset[StepRole] = frozenset({"share_with", "attendance", "advocate"})
NEEDED: dict[str, frozenset[StepRole]] = {
    **{flow_id: _VIEWS for flow_id in VIEWS_FLOWS},
    FlowId.family_feedback: frozenset({"rating", "quote_consent"}),
    FlowId.outcome: frozenset(
        {"held_on", "in_timescale", "participation", "seen_before", "note_to_child"}
    ),
    FlowId.challenge: frozenset(
        {"challenge_raised_on", "challenge_category", "challenge_stage", "challenge_resolved_on"}
    ),
}


def role_problems(flow_id: str | None, steps: Sequence[Step]) -> Iterator[tuple[str | None, str]]:
    """Yield (step id, message) for each role that does not fit or repeats, and, for a flow
    the bot runs (`flow_id` given), each role it needs that is missing."""
    marked: dict[str, str] = {}
    for step in steps:
        if step.role is None:
            continue
        fit = FITS[step.role]
        if not fit.fits(step):
            yield step.id, f"a step with role '{step.role}' is a {fit.describe()}"
        if step.role in marked:
            yield step.id, f"role '{step.role}' is already on step '{marked[step.role]}'"
        marked.setdefault(step.role, step.id)
    needed = NEEDED.get(flow_id, frozenset()) if flow_id is not None else frozenset()
    for role in sorted(needed - set(marked)):
        yield None, f"needs a step with role '{role}' (the bot relies on it)"
