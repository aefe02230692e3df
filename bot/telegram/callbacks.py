"""Button data: short, versioned, parsed strictly, and never trusted.

Telegram gives a button 64 bytes of data that any client can forge, so a parsed button only
says what the person claims; the use cases check it against the database (is this run theirs,
is it at that step) before anything changes.
"""

from __future__ import annotations

import re

from bot.app.buttons import (
    BUTTON_VERBS,
    FlagButton,
    LanguageButton,
    RequestButton,
    RunButton,
    claimed_input,
    verb_of,
)
from bot.app.texts import message
from conversations.catalogue import DEFAULT_LOCALE
from conversations.events import Input

MAX_BYTES = 64
SUMMARY = "-"

_BY_LETTER = {verb.letter: verb for verb in BUTTON_VERBS}
_RUN_BUTTON = re.compile(r"^r1\|(\d{1,12})\|([a-z0-9_]{1,24}|-)\|([A-Za-z])\|([a-z0-9_]{0,24})$")
_FLAG_BUTTON = re.compile(r"^f1\|(\d{1,12})\|(open|ack)$")
_REQUEST_BUTTON = re.compile(r"^q1\|(\d{1,12})\|done$")
_LANGUAGE_BUTTON = re.compile(r"^l1\|([a-z]{2,3})$")


class CallbackTooLong(ValueError):
    """A button would carry more than Telegram's 64 bytes."""


def run_button(run_id: int, step_id: str | None, action: Input) -> str:
    verb, arg = verb_of(action)
    data = f"r1|{run_id}|{step_id or SUMMARY}|{verb.letter}|{arg}"
    if len(data.encode()) > MAX_BYTES:
        raise CallbackTooLong(data)
    return data


def flag_button(flag_id: int, verb: str) -> str:
    return f"f1|{flag_id}|{verb}"


def flag_actions(
    flag_id: int, locale: str = DEFAULT_LOCALE
) -> tuple[tuple[tuple[str, str], ...], ...]:
    """The buttons under an alert about a flag: read the words, or acknowledge it."""
    return (
        (
            (message("button.open_words", locale), flag_button(flag_id, "open")),
            (message("button.acknowledge", locale), flag_button(flag_id, "ack")),
        ),
    )


def request_button(request_id: int) -> str:
    return f"q1|{request_id}|done"


def language_button(locale: str) -> str:
    return f"l1|{locale}"


def _step(step_id: str) -> str | None:
    return None if step_id == SUMMARY else step_id


def parse(data: str | None) -> RunButton | FlagButton | RequestButton | LanguageButton | None:
    """The button's claim, or None for anything malformed, old or foreign."""
    if not data:
        return None
    if match := _RUN_BUTTON.match(data):
        run_id, step_id, letter, arg = match.groups()
        verb = _BY_LETTER.get(letter)
        action = claimed_input(verb, arg) if verb else None
        return None if action is None else RunButton(int(run_id), _step(step_id), action)
    if match := _FLAG_BUTTON.match(data):
        return FlagButton(int(match.group(1)), match.group(2))
    if match := _REQUEST_BUTTON.match(data):
        return RequestButton(int(match.group(1)))
    if match := _LANGUAGE_BUTTON.match(data):
        return LanguageButton(match.group(1))
    return None
