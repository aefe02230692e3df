"""What a pressed button claims, whatever channel carried it; the use cases check the claim.

Each channel encodes these its own way (Telegram: `bot/telegram/callbacks.py`, the web chat:
`bot/web/chat/forms.py`), both from the one table of verbs here, and a claim is never
trusted: the use cases check it against the database before anything changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations.events import (
    Back,
    Cancel,
    Change,
    Choose,
    Done,
    Input,
    Resume,
    SaveForLater,
    Send,
    Skip,
    Toggle,
)


@dataclass(frozen=True)
class RunButton:
    """A button on a question or a summary: which run, which step, which input."""

    run_id: int
    step_id: str | None
    action: Input


@dataclass(frozen=True)
class FlagButton:
    flag_id: int
    verb: str


@dataclass(frozen=True)
class LanguageButton:
    """A language in the chooser; the use case checks the service offers it."""

    locale: str


@dataclass(frozen=True)
class RequestButton:
    """'Done' under a child's request in /requests."""

    request_id: int


@dataclass(frozen=True)
class ButtonVerb:
    """One input a button can carry, by the name each channel gives it."""

    word: str  # in a web form's `do` field
    letter: str  # in Telegram's callback data: one letter, to spare its 64 bytes
    action: Input | type[Choose | Toggle | Change]  # the input, or the kind taking an argument


BUTTON_VERBS = (
    ButtonVerb("choose", "c", Choose),
    ButtonVerb("toggle", "t", Toggle),
    ButtonVerb("change", "g", Change),
    ButtonVerb("done", "d", Done()),
    ButtonVerb("skip", "s", Skip()),
    ButtonVerb("back", "b", Back()),
    ButtonVerb("send", "S", Send()),
    ButtonVerb("save", "L", SaveForLater()),
    ButtonVerb("cancel", "X", Cancel()),
    # Confirming a cancel is its own verb, so an old Cancel button never throws answers away.
    ButtonVerb("confirm", "Y", Cancel(confirmed=True)),
    ButtonVerb("resume", "R", Resume()),
)


def verb_of(action: Input) -> tuple[ButtonVerb, str]:
    """The verb a button's input goes by, and its argument (an option or step id, or "")."""
    for verb in BUTTON_VERBS:
        if verb.action == action or (
            isinstance(verb.action, type) and isinstance(action, verb.action)
        ):
            return verb, _argument(action)
    raise ValueError(f"no button carries {action!r}")


def claimed_input(verb: ButtonVerb, argument: str) -> Input | None:
    """The input a verb and its argument claim; None when the argument is missing or extra."""
    if isinstance(verb.action, type):
        return verb.action(argument) if argument else None
    return None if argument else verb.action


def _argument(action: Input) -> str:
    if isinstance(action, Change):
        return action.step_id
    if isinstance(action, Choose | Toggle):
        return action.option_id
    return ""
