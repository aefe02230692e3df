"""The command menus Telegram shows, per audience (staff commands never reach families)."""

from __future__ import annotations

from telegram import BotCommand

_EVERYONE = [
    ("help", "What I can do"),
    ("helpnow", "Who to talk to if you need help now"),
    ("privacy", "What we keep and who sees it"),
]
_FAMILY = [
    ("myanswers", "What I sent, and who can see it"),
    ("cancel", "Stop what I'm doing (nothing is shared)"),
]
_MENUS = {
    "none": [("start", "Start My Say"), *_EVERYONE],
    "child": [
        ("review", "Get ready for my review or meeting"),
        ("feedback", "Tell you how my last meeting went"),
        ("checkin", "A quick check-in between meetings"),
        *_FAMILY,
        *_EVERYONE,
    ],
    "parent": [("feedback", "Feedback on the IRO and the meeting"), *_FAMILY, *_EVERYONE],
    "staff": [
        ("upcoming", "My reviews in the next 14 days"),
        ("views", "A child's views: /views CASE_REF"),
        ("invite", "A joining link: /invite CASE_REF child|parent|carer"),
        ("outcome", "Record a meeting: /outcome CASE_REF"),
        ("flags", "Safeguarding flags to act on"),
        ("requests", "What children have asked me for"),
        *_EVERYONE,
    ],
}
_MENUS["carer"] = _MENUS["parent"]

STAFF_COMMANDS = ("upcoming", "views", "invite", "outcome", "flags", "close", "requests", "done")


def commands_for(role: str | None) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in _MENUS[role or "none"]]
