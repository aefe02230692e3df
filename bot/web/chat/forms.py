"""A pressed button as form fields, and back: what it claims, checked later by the use case.

Each message's buttons sit in one form: hidden `run` and `step` fields, and each button a
submit named `do` whose value is its verb and argument ("choose:happy", "send:"). Posted
data is untrusted; parsing only rebuilds the claim, as `bot.telegram.callbacks` does for
Telegram's callback data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.app.buttons import BUTTON_VERBS, RunButton, claimed_input, verb_of
from bot.app.presenting import Offer

NO_STEP = "-"
_VERB = re.compile(r"^([a-z]{2,8}):([a-z0-9_]{0,32})$")
_ID = re.compile(r"^[a-z0-9_]{1,32}$")
_BY_WORD = {verb.word: verb for verb in BUTTON_VERBS}


def button_value(offer: Offer) -> str:
    """The `do` value of an offered button."""
    verb, argument = verb_of(offer.button.action)
    return f"{verb.word}:{argument}"


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
    action = claimed_input(_BY_WORD[name], argument) if name in _BY_WORD else None
    if action is None:
        return None
    return RunButton(int(run), None if step == NO_STEP else step, action)
