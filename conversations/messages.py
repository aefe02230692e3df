"""The engine's own words (rejections, yes/no, summary), per locale with English as fallback.

Questions live in the flow files; only text that every flow shares lives here.
"""

from __future__ import annotations

DEFAULT_LOCALE = "en"

MESSAGES: dict[str, dict[str, str]] = {
    "use_buttons": {
        "en": "I didn't quite catch that. Tap one of the buttons, or type its number.",
    },
    "type_answer": {"en": "Please type your answer."},
    "empty_text": {"en": "Please type something, or choose skip."},
    "too_long": {
        "en": "That is a bit long - please keep it under {max_length} characters.",
    },
    "bad_date": {"en": "Please type the date like 25/12/2024."},
    "date_in_future": {"en": "That date is still to come. Please type the day it happened."},
    "long_before_due": {
        "en": (
            "That is more than {days} days before the meeting was due ({due:%d/%m/%Y}). "
            "If it is right, type it again."
        ),
    },
    "required": {"en": "This question needs an answer, so it cannot be skipped."},
    "too_few": {"en": "Please choose at least {min}."},
    "cannot_go_back": {"en": "There is nothing to go back to."},
    "not_reviewing": {"en": "You can do that when you have seen all your answers."},
    "reviewing": {"en": "Please choose send, change an answer, or save for later."},
    "unknown_step": {"en": "That is not one of your answers."},
    "finished": {"en": "This one is finished. You can start again any time."},
    "flow_changed": {"en": "These questions have changed. Please start again."},
    "yes": {"en": "Yes"},
    "no": {"en": "No"},
    "not_answered": {"en": "Not answered"},
    "summary": {"en": "Here is what you said. You can change anything before you send it."},
    "send": {"en": "Send"},
    "save_for_later": {"en": "Save for later"},
    "cancel": {"en": "Cancel"},
    "cancel_confirm": {
        "en": "Stop and throw away your answers? Nothing has been sent to anyone yet.",
    },
    "cancel_yes": {"en": "Yes, throw them away"},
    "cancel_no": {"en": "No, carry on"},
    "thanks": {"en": "Thank you. Your answers have been sent."},
}


def localise(texts: dict[str, str], locale: str) -> str:
    """Pick the text for `locale`, falling back to English (which flow checks guarantee)."""
    return texts.get(locale) or texts[DEFAULT_LOCALE]


def message(key: str, locale: str, **values: object) -> str:
    """Return the engine message `key` in `locale`, with `values` filled in."""
    return localise(MESSAGES[key], locale).format(**values)
