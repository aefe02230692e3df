"""The command menus Telegram shows, per audience (staff commands never reach families)."""

from __future__ import annotations

from telegram import BotCommand

from bot.app.texts import message
from conversations.catalogue import DEFAULT_LOCALE

# Each menu line: the command, and the catalogue key of what it says beside it.
_EVERYONE = [
    ("help", "menu.help"),
    ("helpnow", "menu.helpnow"),
    ("privacy", "menu.privacy"),
]
_FAMILY = [
    ("myanswers", "menu.myanswers"),
    ("cancel", "menu.cancel"),
]
_MENUS = {
    "none": [("start", "menu.start"), *_EVERYONE],
    "child": [
        ("review", "menu.review"),
        ("feedback", "menu.feedback_child"),
        ("checkin", "menu.checkin"),
        *_FAMILY,
        *_EVERYONE,
    ],
    "parent": [("feedback", "menu.feedback_family"), *_FAMILY, *_EVERYONE],
    "staff": [
        ("upcoming", "menu.upcoming"),
        ("views", "menu.views"),
        ("invite", "menu.invite"),
        ("outcome", "menu.outcome"),
        ("flags", "menu.flags"),
        ("requests", "menu.requests"),
        *_EVERYONE,
    ],
}
_MENUS["carer"] = _MENUS["parent"]

STAFF_COMMANDS = ("upcoming", "views", "invite", "outcome", "flags", "close", "requests", "done")


def commands_for(role: str | None, locale: str = DEFAULT_LOCALE) -> list[BotCommand]:
    return [BotCommand(name, message(key, locale)) for name, key in _MENUS[role or "none"]]
