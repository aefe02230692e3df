"""A pressed button as form fields, and back: what it claims, checked later by the use case.

Each message's buttons sit in one form: hidden `run` and `step` fields, and each button a
submit named `do` whose value is its verb and argument ("choose:happy", "send:"). Posted
data is untrusted; parsing only rebuilds the claim, as `bot.telegram.callbacks` does for
Telegram's callback data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.app.buttons import RunButton
from bot.app.presenting import Offer
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

NO_STEP = "-"
_VERB = re.compile(r"^([a-z]{2,8}):([a-z0-9_]{0,32})$")
_ID = re.compile(r"^[a-z0-9_]{1,32}$")
_WITH_ARGUMENT: dict[str, type[Choose | Toggle | Change]] = {
    "choose": Choose,
    "toggle": Toggle,
    "change": Change,
}
_PLAIN: dict[str, Input] = {
    "done": Done(),
    "skip": Skip(),
    "back": Back(),
    "send": Send(),
    "save": SaveForLater(),
    "cancel": Cancel(),
    "confirm": Cancel(confirmed=True),
    "resume": Resume(),
}


def button_value(offer: Offer) -> str:
    """The `do` value of an offered button."""
    action = offer.button.action
    for verb, kind in _WITH_ARGUMENT.items():
        if isinstance(action, kind):
            argument = action.step_id if isinstance(action, Change) else action.option_id
            return f"{verb}:{argument}"
    verb = next(verb for verb, plain in _PLAIN.items() if plain == action)
    return f"{verb}:"


def step_value(step_id: str | None) -> str:
    return step_id or NO_STEP


def claim_from(form: Mapping[str, str]) -> RunButton | None:
    """The button a posted form claims was pressed, or None if it is malformed."""
    run, step, do = form.get("run", ""), form.get("step", ""), form.get("do", "")
    verb = _VERB.match(do)
    if not run.isdigit() or len(run) > 12 or verb is None:
        return None
    if step != NO_STEP and not _ID.match(step):
        return None
    name, argument = verb.groups()
    action: Input | None
    if name in _WITH_ARGUMENT:
        action = _WITH_ARGUMENT[name](argument) if argument else None
    else:
        action = _PLAIN.get(name) if not argument else None
    if action is None:
        return None
    return RunButton(int(run), None if step == NO_STEP else step, action)
