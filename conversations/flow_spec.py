"""The shape of a flow file (spec_version 1), as pydantic models.

A flow file, in short (see conversations/flows/ for full examples)::

    spec_version: 1
    id: checkin                # ids: lower case letters, digits and _, at most 24
    version: 1                 # raise it when words change, then `mysay flows keep`
    title: {en: "Quick check-in"}
    audience: child            # or a list: [parent, carer]
    languages: [en, cy]        # optional (default [en]): every text is in each of these
    summary: {en: "..."}       # optional: words above the summary
    thanks: {en: "..."}        # optional: words after sending
    steps:
      - id: mood
        kind: scale            # info, choice, multi, scale, yesno, text or date
        theme: feelings        # optional, for reports
        optional: true         # may be skipped (not for info steps)
        when: {age_band: [8_12, 13_plus]}   # or review_kind, audience, answer, all, any, not
        text: {en: "How are you feeling today?"}
        variants:              # other wording when a condition holds
          - when: {age_band: [under_8]}
            text: {en: "How do you feel?"}
        options:               # choice, multi and scale; yesno has Yes and No already
          - {id: happy, label: {en: "🙂 Happy"}}
          - {id: not_sure, label: {en: "Not sure"}, exclusive: true}   # multi only

Text steps take `max_length` (default 4096, Telegram's limit); multi steps take `min`
(default 1). A step with options may raise a request that reaches the IRO (see
`RequestSpec`)::

        request: {kind: talk_to_iro, on: [yes], about: {en: "..."}, seen: {en: "..."}}

A step with options may answer some of them kindly (`replies: {unhappy: {en: "..."}}`), and
any text may name the IRO and the meeting: `{iro}` is the IRO's first name (or "your IRO")
and `{meeting}` is "on Tuesday 8 December" (or "soon").
 Every text
shown to people is per locale and must have English (`en`).

A step Python relies on says what it is for with `role:` (`role: share_with`,
`role: attendance`, `role: rating`...; see `conversations.step_roles`), so Python finds it by
its role and never by its id.

These models check types and spellings; rules that span steps (references to earlier
steps, reachable conditions, what each step kind needs) live in `conversations.flow_check`.
A loaded `Flow` is immutable and is what the engine runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from conversations.messages import DEFAULT_LOCALE, catalogue
from conversations.review_kinds import ReviewKind
from conversations.runs import AnswerValue
from conversations.step_roles import StepRole

ID_PATTERN = r"^[a-z0-9_]{1,24}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}$"

Audience = Literal["child", "parent", "carer", "iro"]
AgeBand = Literal["under_8", "8_12", "13_plus"]
Theme = Literal[
    "home",
    "school",
    "family_contact",
    "health",
    "friends_activities",
    "feelings",
    "safety",
    "plan",
    "meeting",
    "iro",
]
StepKind = Literal["info", "choice", "multi", "scale", "yesno", "text", "date"]

AUDIENCES: tuple[str, ...] = get_args(Audience)
AGE_BANDS: tuple[str, ...] = get_args(AgeBand)

# Kinds whose answer is one or more option ids.
OPTION_KINDS = frozenset({"choice", "multi", "scale", "yesno"})
# Telegram's own limit for one message: a child's answer is never refused for its length.
DEFAULT_TEXT_LENGTH = 4096

Id = Annotated[str, Field(pattern=ID_PATTERN)]


def _require_default_locale(texts: dict[str, str]) -> dict[str, str]:
    if not texts.get(DEFAULT_LOCALE, "").strip():
        raise ValueError(f"needs text in the default locale '{DEFAULT_LOCALE}'")
    return texts


# Text shown to people: one string per locale, English always present.
LocalText = Annotated[dict[str, str], AfterValidator(_require_default_locale)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class AnswerTest(_Spec):
    """True when the earlier step's answer (or, for multi, any ticked option) is in `in`."""

    step: Id
    in_: tuple[Id, ...] = Field(alias="in", min_length=1)


class Condition(_Spec):
    """A `when`: every test given must hold. Unknown context values never match a list."""

    age_band: tuple[AgeBand, ...] | None = Field(default=None, min_length=1)
    review_kind: tuple[ReviewKind, ...] | None = Field(default=None, min_length=1)
    audience: tuple[Audience, ...] | None = Field(default=None, min_length=1)
    # True when the child's age is known and below this (the IRO's outcome flow knows it).
    child_age_under: int | None = Field(default=None, ge=1)
    answer: AnswerTest | None = None
    all_: tuple[Condition, ...] | None = Field(default=None, alias="all", min_length=1)
    any_: tuple[Condition, ...] | None = Field(default=None, alias="any", min_length=1)
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _has_a_test(self) -> Condition:
        if all(value is None for value in self.__dict__.values()):
            raise ValueError("a condition needs at least one test")
        return self


class OptionSpec(_Spec):
    """A button. `exclusive` (multi steps only) unticks every other option, e.g. "not sure".

    `when` offers the button only when it holds (PN0 only for a child under 4).
    """

    id: Id
    label: LocalText
    exclusive: bool = False
    when: Condition | None = None


class Variant(_Spec):
    """Other wording for a step (e.g. simpler words for under-8s), used when `when` holds."""

    when: Condition
    text: LocalText


def _yes_no_options() -> list[dict[str, Any]]:
    return [{"id": key, "label": catalogue().by_locale(key)} for key in ("yes", "no")]


class RequestSpec(_Spec):
    """An answer that asks a person for something (to talk, an advocate): a request.

    When a sent run's answer to the step is one of `on`, a request of `kind` is raised: the
    IRO is alerted with `about` (never the child's words) and, once the IRO has seen it,
    the child is told `seen`.
    """

    kind: Id
    on: tuple[Id, ...] = Field(default=("yes",), min_length=1)
    about: LocalText
    seen: LocalText


class Step(_Spec):
    """One step of a flow; which fields a kind needs is checked in `flow_check`."""

    id: Id
    kind: StepKind
    text: LocalText
    variants: tuple[Variant, ...] = ()
    options: tuple[OptionSpec, ...] = ()
    optional: bool = False
    when: Condition | None = None
    theme: Theme | None = None
    max_length: int | None = Field(default=None, ge=1, le=DEFAULT_TEXT_LENGTH)
    min: int | None = Field(default=None, ge=0)
    request: RequestSpec | None = None
    # Date steps: refuse a date after today; ask again for one this many days before the
    # meeting was due (a typo is likelier than a meeting held a month early).
    no_future: bool = False
    max_days_before_due: int | None = Field(default=None, ge=0)
    # Date steps: refuse a date before the answer to this earlier date step (the day an issue
    # was resolved may not come before the day it was raised).
    not_before: Id | None = None
    # What the bot says back when an option is picked ("I'm sorry things feel hard"), by id.
    replies: dict[Id, LocalText] = Field(default_factory=dict)
    # What Python relies on this step for (see `conversations.step_roles`).
    role: StepRole | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_yes_no(cls, data: Any) -> Any:
        # Yes/no steps get the engine's translated Yes and No unless the file words them.
        if isinstance(data, dict) and data.get("kind") == "yesno" and "options" not in data:
            return {**data, "options": _yes_no_options()}
        return data

    @property
    def option_ids(self) -> tuple[str, ...]:
        """Return the ids of this step's options, in order."""
        return tuple(option.id for option in self.options)

    @property
    def is_question(self) -> bool:
        """Say whether the step waits for an answer (every kind but info)."""
        return self.kind != "info"

    @property
    def text_limit(self) -> int | None:
        """Return the longest answer accepted, for text steps."""
        return (self.max_length or DEFAULT_TEXT_LENGTH) if self.kind == "text" else None


class FlowHeader(_Spec):
    """Everything in a flow file but its steps."""

    spec_version: Literal[1]
    id: Id
    version: int = Field(ge=1)
    title: LocalText
    audience: tuple[Audience, ...] = Field(min_length=1)
    summary: LocalText | None = None
    thanks: LocalText | None = None
    # The languages every text of the flow is in (`mysay flows check` holds it to that);
    # English, the source, is always one of them.
    languages: tuple[Annotated[str, Field(pattern=LANGUAGE_PATTERN)], ...] = (DEFAULT_LOCALE,)

    @model_validator(mode="after")
    def _english_listed(self) -> FlowHeader:
        if DEFAULT_LOCALE not in self.languages:
            raise ValueError(f"languages must include '{DEFAULT_LOCALE}', the source")
        return self

    @model_validator(mode="before")
    @classmethod
    def _audience_as_list(cls, data: Any) -> Any:
        # `audience: child` reads better in a file than `audience: [child]`; accept both.
        if isinstance(data, dict) and isinstance(data.get("audience"), str):
            return {**data, "audience": [data["audience"]]}
        return data


class Flow(FlowHeader):
    """A loaded, checked flow: what the engine runs."""

    steps: tuple[Step, ...] = Field(min_length=1)

    def step(self, step_id: str | None) -> Step | None:
        """Return the step with this id, or None."""
        return next((step for step in self.steps if step.id == step_id), None)

    def step_with_role(self, role: StepRole) -> Step | None:
        """Return the step marked with this role, or None."""
        return next((step for step in self.steps if step.role == role), None)

    def answer_for(self, role: StepRole, answers: Mapping[str, AnswerValue]) -> AnswerValue | None:
        """Return the answer to the step with this role, or None if it has none."""
        step = self.step_with_role(role)
        return answers.get(step.id) if step is not None else None

    def index(self, step_id: str) -> int:
        """Return the position of a step; unknown ids sort after every step."""
        return next((i for i, s in enumerate(self.steps) if s.id == step_id), len(self.steps))
