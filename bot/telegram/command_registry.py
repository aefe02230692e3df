"""What a command is, and everything derived from the list of them.

Each command is one `Command`: its name, what follows it (`args`), its handler, and, for each
audience it is for, the catalogue keys of its words (`Words`). From the list,
`CommandRegistry` makes the Telegram handlers, each audience's command menu, /help, the lines
staff get on joining, and tells a staff command from an unknown one. The list itself is
`bot.telegram.commands.COMMANDS`; the words are in the catalogue (`bot/app/locales/`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from telegram import BotCommand, Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from bot.app import texts
from conversations.catalogue import DEFAULT_LOCALE

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
# Who is asking: not linked yet, a child, a parent or carer, or staff.
Audience = Literal["newcomer", "child", "family", "staff"]
# The lists a command can be in: Telegram's menu, /help, the message on joining.
Listing = Literal["menu", "help", "welcome"]
# Telegram's rule for a command's name.
NAME = re.compile(r"^[a-z0-9_]{1,32}$")
# What stands above each audience's /help lines: a heading, or for a newcomer how to join.
HELP_HEADINGS: dict[Audience, str] = {
    "newcomer": "welcome.no_code",
    "child": "help.child",
    "family": "help.family",
    "staff": "help.staff",
}


def audience_of(role: str | None) -> Audience:
    """Return the audience of a participant's role (None: not linked to anyone yet)."""
    if role is None:
        return "newcomer"
    if role in ("parent", "carer"):
        return "family"
    return "staff" if role == "staff" else "child"


@dataclass(frozen=True)
class Words:
    """The catalogue keys of how one audience sees a command; None leaves it out of a list."""

    menu: str | None = None  # Telegram's command menu
    help: str | None = None  # a line of /help
    # A line of the message on joining: True says it in the /help words.
    welcome: str | bool = False

    def key(self, where: Listing) -> str | None:
        """Return the key of the words for this list, or None if the command is not in it."""
        if where == "welcome":
            return self.help if self.welcome is True else self.welcome or None
        return self.menu if where == "menu" else self.help


@dataclass(frozen=True)
class Command:
    """One command, and how each audience it is for sees it (others may still type it)."""

    name: str
    handler: Handler
    shown: Mapping[Audience, Words]
    args: str = ""  # what to type after the name, shown in /help and the menu

    @property
    def audiences(self) -> frozenset[Audience]:
        """Return the audiences the command is for."""
        return frozenset(self.shown)

    @property
    def usage(self) -> str:
        """Return the command as typed: '/views CASE_REF'."""
        return f"/{self.name} {self.args}".rstrip()


class CommandRegistry:
    """The commands, in menu order, and what Telegram and people see of them."""

    def __init__(self, *commands: Command) -> None:
        names = [command.name for command in commands]
        wrong = [name for name in names if not NAME.match(name)]
        if wrong:
            raise ValueError(f"not a Telegram command name: {', '.join(wrong)}")
        if len(set(names)) != len(names):
            raise ValueError("a command name is registered twice")
        unseen = [command.name for command in commands if not command.audiences]
        if unseen:
            raise ValueError(f"shown to nobody: {', '.join(unseen)}")
        self.commands = commands

    def handlers(self) -> list[BaseHandler[Update, Any, None]]:
        """Return one handler per command, answering in private chats only."""
        private = filters.ChatType.PRIVATE
        return [
            CommandHandler(command.name, command.handler, filters=private)
            for command in self.commands
        ]

    def menu(self, role: str | None, locale: str = DEFAULT_LOCALE) -> list[BotCommand]:
        """Return the command menu for a role: Telegram shows it beside the message box."""
        return [
            BotCommand(command.name, f"{words}: {command.usage}" if command.args else words)
            for command, words in self._shown(audience_of(role), "menu", locale)
        ]

    def help(self, role: str | None, locale: str = DEFAULT_LOCALE) -> str:
        """Return /help for a role; a newcomer's also says how to join."""
        audience = audience_of(role)
        heading = texts.message(HELP_HEADINGS[audience], locale)
        # A newcomer's heading is paragraphs; the others are one line above the list.
        gap = "\n\n" if audience == "newcomer" else "\n"
        return f"{heading}{gap}{self._lines(audience, 'help', locale)}"

    def welcome(self, role: str, locale: str = DEFAULT_LOCALE) -> str:
        """Return the message for someone who has just joined as this role."""
        first = texts.welcome(role, locale)
        lines = self._lines(audience_of(role), "welcome", locale)
        return f"{first}\n\n{lines}" if lines else first

    def _shown(self, audience: Audience, where: Listing, locale: str) -> list[tuple[Command, str]]:
        found = []
        for command in self.commands:
            words = command.shown.get(audience)
            key = words.key(where) if words is not None else None
            if key is not None:
                found.append((command, texts.message(key, locale)))
        return found

    def _lines(self, audience: Audience, where: Listing, locale: str) -> str:
        return "\n".join(
            f"{command.usage} - {text}" for command, text in self._shown(audience, where, locale)
        )
