"""What goes into the engine (inputs) and what comes out (events).

The engine never sends anything itself: the host (the Telegram bot, the terminal runner)
turns a person's action into an `Input` and renders the `Event`s it gets back.
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations.runs import AnswerValue

# Inputs: commands, named as verbs.


@dataclass(frozen=True)
class Choose:
    """Pick one option on a choice, yesno or scale step."""

    option_id: str


@dataclass(frozen=True)
class Toggle:
    """Tick or untick one option on a multi step."""

    option_id: str


@dataclass(frozen=True)
class Done:
    """Finish ticking options on a multi step."""


@dataclass(frozen=True)
class Text:
    """Type an answer to a text or date step.

    The words are always text that can be stored: a client may send half of a UTF-16 pair
    (a "lone surrogate") in its JSON, which could be screened but never encrypted, so the
    answer would fail after screening; such a half becomes U+FFFD, the rest stays as sent.
    """

    text: str

    def __post_init__(self) -> None:
        whole = self.text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        object.__setattr__(self, "text", whole)


@dataclass(frozen=True)
class Skip:
    """Leave an optional step unanswered."""


@dataclass(frozen=True)
class Back:
    """Return to the previous question."""


@dataclass(frozen=True)
class Change:
    """Change the answer to one step, from the summary."""

    step_id: str


@dataclass(frozen=True)
class Send:
    """Send the answers shown in the summary."""


@dataclass(frozen=True)
class SaveForLater:
    """Stop for now and carry on later from the same place."""


@dataclass(frozen=True)
class Cancel:
    """Stop and throw the run away; with answers given, only once `confirmed`."""

    confirmed: bool = False


@dataclass(frozen=True)
class Resume:
    """Carry on where the run is (after deciding not to cancel)."""


Input = (
    Choose | Toggle | Done | Text | Skip | Back | Change | Send | SaveForLater | Cancel | Resume
)


# Events: what happened, named in the past tense or as nouns.


@dataclass(frozen=True)
class Option:
    """A button: a stable id and a label in the run's language."""

    id: str
    label: str


@dataclass(frozen=True)
class SummaryItem:
    """One answered (or skipped) question as shown in the summary."""

    step_id: str
    question: str
    answer_text: str


@dataclass(frozen=True)
class Said:
    """An info step's text, shown without waiting for an answer."""

    text: str


@dataclass(frozen=True)
class Asked:
    """A question is waiting for an answer; `selected` shows the current answer if any."""

    step_id: str
    kind: str
    text: str
    options: tuple[Option, ...]
    can_skip: bool
    can_go_back: bool
    selected: tuple[str, ...]
    max_length: int | None
    # A typed answer given before (coming back with Back, or changing it), shown again.
    earlier_text: str | None = None


@dataclass(frozen=True)
class CancelAsked:
    """Cancel was asked for with answers given: the person must confirm it."""

    step_id: str | None
    text: str
    confirm: str
    keep: str


@dataclass(frozen=True)
class AnswerRecorded:
    """An answer was stored; `free_text` answers must be screened for safeguarding."""

    step_id: str
    value: AnswerValue
    theme: str | None
    free_text: bool


@dataclass(frozen=True)
class Skipped:
    """An optional step was skipped; any earlier answer to it is gone."""

    step_id: str


@dataclass(frozen=True)
class AnswersDropped:
    """Answers to steps that no longer apply (after a change) were removed."""

    step_ids: tuple[str, ...]


@dataclass(frozen=True)
class SummaryShown:
    """The answers so far, with the actions offered: send, save for later, cancel.

    Each item can be changed with `Change(item.step_id)`.
    """

    text: str
    items: tuple[SummaryItem, ...]
    actions: tuple[Option, ...]


@dataclass(frozen=True)
class Submitted:
    """The answers were sent; `share_with` is the person's choice, None means the IRO only."""

    share_with: str | None
    text: str


@dataclass(frozen=True)
class Saved:
    """The run was kept for later; nothing was shared."""


@dataclass(frozen=True)
class Cancelled:
    """The run was cancelled; nothing was shared."""


@dataclass(frozen=True)
class Rejected:
    """The input did not fit; the run is unchanged. `reason` is a stable code."""

    reason: str
    message: str


Event = (
    Said
    | Asked
    | AnswerRecorded
    | Skipped
    | AnswersDropped
    | SummaryShown
    | Submitted
    | Saved
    | Cancelled
    | CancelAsked
    | Rejected
)
