"""Every command the bot answers, each typed once: the one place to add a command.

The order is the menus' order (and /help's). An audience a command does not name never sees
it listed: staff commands never reach families' menus, and a family typing one is told it is
for IROs and managers. The words are catalogue keys (`bot/app/locales/en.yaml`).
"""

from __future__ import annotations

from dataclasses import replace

from bot.telegram.command_registry import Audience, Command, CommandRegistry, Handler, Words
from bot.telegram.handlers import iro, languages, participants, staff


def _everyone(
    words: Words, family: Words | None = None, staff: Words | None = None
) -> dict[Audience, Words]:
    """The same words for every audience, but staff see only the menu line (their /help is
    their own commands)."""
    return {
        "newcomer": words,
        "child": words,
        "family": family or words,
        "staff": staff or Words(menu=words.menu),
    }


def _for_staff(
    name: str,
    handler: Handler,
    args: str = "",
    *,
    menu: bool = True,
    welcome: str | bool = False,
) -> Command:
    """A command for staff only, its words under the catalogue's usual keys: menu.NAME (unless
    it stays out of the menu) and help_line.NAME."""
    words = Words(f"menu.{name}" if menu else None, f"help_line.{name}", welcome)
    return Command(name, handler, {"staff": words}, args)


_WHAT_I_CAN_DO = Words(menu="menu.help")
_HELP_NOW = Words("menu.helpnow", "help_line.helpnow")
_CANCEL = Words("menu.cancel", "help_line.cancel")

COMMANDS = CommandRegistry(
    Command("start", participants.start, {"newcomer": Words(menu="menu.start")}),
    Command(
        "review",
        participants.get_ready_for_review,
        {"child": Words("menu.review", "help_line.review")},
    ),
    Command(
        "feedback",
        participants.give_feedback,
        {
            "child": Words("menu.feedback_child", "help_line.feedback_child"),
            "family": Words("menu.feedback_family", "help_line.feedback_family"),
        },
    ),
    Command(
        "checkin", participants.check_in, {"child": Words("menu.checkin", "help_line.checkin")}
    ),
    Command(
        "myanswers",
        participants.show_my_answers,
        {
            "child": Words("menu.myanswers", "help_line.myanswers_child"),
            "family": Words("menu.myanswers", "help_line.myanswers_family"),
        },
    ),
    Command("cancel", participants.cancel, {"child": _CANCEL, "family": _CANCEL}),
    _for_staff("upcoming", iro.list_upcoming, welcome=True),
    _for_staff("views", iro.read_views, "CASE_REF"),
    _for_staff("invite", iro.invite_someone, "CASE_REF child|parent|carer"),
    _for_staff("outcome", iro.record_outcome, "CASE_REF"),
    _for_staff("challenge", iro.record_challenge, "CASE_REF"),
    _for_staff("flags", staff.list_flags, welcome=True),
    _for_staff("close", staff.close_flag, "FLAG_NUMBER NOTE", menu=False),
    _for_staff("requests", staff.list_requests, welcome="welcome_line.requests"),
    _for_staff("done", staff.close_request, "REQUEST_NUMBER NOTE", menu=False),
    _for_staff("web", staff.send_web_link),
    Command(
        "help",
        participants.show_help,
        _everyone(_WHAT_I_CAN_DO, staff=replace(_WHAT_I_CAN_DO, welcome="welcome_line.help")),
    ),
    Command(
        "helpnow",
        participants.show_help_now,
        _everyone(_HELP_NOW, family=replace(_HELP_NOW, help="help_line.helpnow_family")),
    ),
    Command(
        "privacy",
        participants.show_privacy,
        _everyone(Words("menu.privacy", "help_line.privacy")),
    ),
    Command(
        "language",
        languages.show_languages,
        _everyone(Words("menu.language", "help_line.language")),
    ),
)
