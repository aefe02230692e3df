"""Every command the bot answers, each typed once: the one place to add a command.

The order is the menus' order (and /help's). An audience a command does not name never sees
it listed: staff commands never reach families' menus, and a family typing one is told it is
for IROs and managers. The words are catalogue keys (`bot/app/locales/en.yaml`).
"""

from __future__ import annotations

from dataclasses import replace

from bot.telegram.command_registry import Audience, Command, CommandRegistry, Words
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
    Command(
        "upcoming",
        iro.list_upcoming,
        {"staff": Words("menu.upcoming", "help_line.upcoming", welcome=True)},
    ),
    Command(
        "views", iro.read_views, {"staff": Words("menu.views", "help_line.views")}, args="CASE_REF"
    ),
    Command(
        "invite",
        iro.invite_someone,
        {"staff": Words("menu.invite", "help_line.invite")},
        args="CASE_REF child|parent|carer",
    ),
    Command(
        "outcome",
        iro.record_outcome,
        {"staff": Words("menu.outcome", "help_line.outcome")},
        args="CASE_REF",
    ),
    Command(
        "challenge",
        iro.record_challenge,
        {"staff": Words("menu.challenge", "help_line.challenge")},
        args="CASE_REF",
    ),
    Command(
        "flags", staff.list_flags, {"staff": Words("menu.flags", "help_line.flags", welcome=True)}
    ),
    Command(
        "close",
        staff.close_flag,
        {"staff": Words(help="help_line.close")},
        args="FLAG_NUMBER NOTE",
    ),
    Command(
        "requests",
        staff.list_requests,
        {"staff": Words("menu.requests", "help_line.requests", welcome="welcome_line.requests")},
    ),
    Command(
        "done",
        staff.close_request,
        {"staff": Words(help="help_line.done")},
        args="REQUEST_NUMBER NOTE",
    ),
    Command("web", staff.send_web_link, {"staff": Words("menu.web", "help_line.web")}),
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
