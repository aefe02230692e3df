"""Commands are typed once: handlers, menus, /help and refusals all come from the registry."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.app import texts
from bot.bootstrap import Services, build_core, open_services
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from bot.telegram.application import PTBApplication, build_application
from bot.telegram.command_registry import Audience, Command, CommandRegistry, Words
from bot.telegram.commands import COMMANDS

BOT = Path(__file__).resolve().parents[2] / "bot"
# A line that lists a command: "/views CASE_REF - the child's views ...".
LISTING = re.compile(r"^/[a-z0-9_]+(?: [^\n]*)? - ", re.MULTILINE)
# A command named in prose: "type /review", "/help shows ...".
MENTION = re.compile(r"(?<![\w/.:])/([a-z][a-z0-9_]*)\b(?![/.])")


async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /ping (a command only these tests add)."""


def _with_ping(shown: dict[Audience, Words]) -> CommandRegistry:
    return CommandRegistry(*COMMANDS.commands, Command("ping", ping, shown, args="NUMBER"))


def _menu_names(registry: CommandRegistry, role: str | None) -> list[str]:
    return [command.command for command in registry.menu(role)]


def test_adding_a_command_is_one_entry_and_its_handler() -> None:
    registry = _with_ping({"child": Words("menu.checkin", "help_line.checkin")})
    handler = registry.handlers()[-1]
    assert isinstance(handler, CommandHandler)
    assert handler.commands == frozenset({"ping"}) and handler.callback is ping
    assert _menu_names(registry, "child")[-1] == "ping"
    menu_words = "A quick check-in between meetings: /ping NUMBER"
    assert registry.menu("child")[-1].description == menu_words
    assert registry.help("child").endswith("\n/ping NUMBER - a quick check-in between meetings")
    for role in (None, "parent", "carer", "staff"):
        assert "ping" not in _menu_names(registry, role)
        assert "/ping" not in registry.help(role)


def test_a_command_only_staff_see_is_in_their_help_alone() -> None:
    registry = _with_ping({"staff": Words(help="help_line.close")})
    assert "ping" not in _menu_names(registry, "staff")  # in /help, not the menu
    assert "/ping NUMBER - close a flag with a note" in registry.help("staff")
    for role in (None, "child", "parent"):
        assert "/ping" not in registry.help(role)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (Command("Ping", ping, {"child": Words("menu.checkin")}), "not a Telegram command name"),
        (Command("help", ping, {"child": Words("menu.checkin")}), "registered twice"),
        (Command("ping", ping, {}), "shown to nobody"),
    ],
)
def test_a_registry_refuses_what_telegram_or_people_could_not_use(
    entry: Command, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        CommandRegistry(*COMMANDS.commands, entry)


def test_each_audience_sees_exactly_its_registered_commands() -> None:
    for role, audience in [(None, "newcomer"), ("child", "child"), ("carer", "family")]:
        listed = [c.name for c in COMMANDS.commands if audience in c.audiences]
        assert _menu_names(COMMANDS, role) == [
            name for name in listed if name not in ("close", "done")
        ]
    staff_menu = _menu_names(COMMANDS, "staff")
    assert {"upcoming", "views", "flags", "help"} <= set(staff_menu)
    assert not {"review", "checkin", "myanswers", "start"} & set(staff_menu)


async def test_the_bot_answers_each_registered_command_with_its_handler(
    services: Services,
) -> None:
    application = build_application(build_core(services))
    answered = {
        name: handler.callback
        for handlers in application.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }
    assert answered == {command.name: command.handler for command in COMMANDS.commands}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_nothing_typed_in_a_group_is_answered(settings: Settings) -> None:
    """A reply in a group could show a child's words to everyone there (/views C001)."""
    async with BotApiEmulator() as emulator:
        talking = {"telegram_token": emulator.token, "telegram_api_url": emulator.base_url}
        async with open_services(settings.model_copy(update=talking)) as services:
            application = build_application(build_core(services))
            async with application:  # the bot learns its name, as commands need
                _assert_no_handler_takes_group_messages(application)


def _assert_no_handler_takes_group_messages(application: PTBApplication) -> None:
    person = {"id": 42, "is_bot": False, "first_name": "Sam"}
    for chat_type in ("group", "supergroup"):
        for text in ("/views C001", "/flags", "/review", "my dad hits me"):
            chat = {"id": -100123, "type": chat_type, "title": "Team chat"}
            message: dict[str, object] = {
                "message_id": 5,
                "date": 1_800_000_000,
                "chat": chat,
                "from": person,
                "text": text,
            }
            if text.startswith("/"):
                length = len(text.split()[0])
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
            update = Update.de_json({"update_id": 1, "message": message}, application.bot)
            taken = [
                handler
                for handlers in application.handlers.values()
                for handler in handlers
                if handler.check_update(update)
            ]
            assert taken == [], (chat_type, text)


def _strings(path: Path) -> list[str]:
    """Return the module's string literals but its docstrings: what the bot may say."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    documented = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, documented)
        and ast.get_docstring(node) is not None
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def _said() -> dict[str, list[str]]:
    """Everything the bot may say outside flows: each module's strings and each message."""
    said = {str(path.relative_to(BOT)): _strings(path) for path in BOT.rglob("*.py")}
    catalogue = texts.catalogue()
    for key in sorted(catalogue.keys()):
        for locale, text in catalogue.by_locale(key).items():
            said[f"locales/{locale}: {key}"] = [text]
    return said


def test_nothing_but_the_registry_lists_commands() -> None:
    listings = {
        where: found
        for where, strings in _said().items()
        if (found := [line for text in strings for line in LISTING.findall(text)])
    }
    assert listings == {}
    built = {
        str(path.relative_to(BOT))
        for path in BOT.rglob("*.py")
        if re.search(r"\b(BotCommand|CommandHandler)\(", path.read_text(encoding="utf-8"))
    }
    assert built == {"telegram/command_registry.py"}


def test_every_command_the_bot_mentions_is_registered() -> None:
    names = {command.name for command in COMMANDS.commands}
    mentioned = {
        (where, name)
        for where, strings in _said().items()
        if where.startswith(("app/", "telegram/", "locales/"))
        for text in strings
        if " " in text  # words to read, not a web path such as "/telegram"
        for name in MENTION.findall(text)
    }
    assert {(where, name) for where, name in mentioned if name not in names} == set()
    assert len(mentioned) > 10  # the scan finds the commands the catalogue names


def test_the_scans_would_catch_a_listing_and_an_unknown_mention() -> None:
    assert LISTING.findall("Staff commands:\n/views CASE_REF - the child's views")
    assert MENTION.findall("type /revew to start") == ["revew"]
    assert MENTION.findall("see childline.org.uk/help or http://x/help") == []
