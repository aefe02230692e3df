"""What the bot says in its own words, looked up by key in the reader's language.

Flow questions live in the flow files; the bot's own words (welcome, help, privacy, help
now, refusals, notices, reminders, alerts, buttons) live in the catalogue `bot/app/locales/`,
one YAML file per language, so they can be read and translated in one place. English is
the default until a person's language is known. Plain text only: no Markdown to escape.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from conversations.catalogue import DEFAULT_LOCALE, Catalogue
from conversations.safeguarding.model import PARENT_CATEGORIES, Level
from conversations.sharing import share_choice

if TYPE_CHECKING:
    from bot.app.safeguarding import Screened

LOCALES = Path(__file__).parent / "locales"

# Parents and carers read the same words ("family"). Lists of commands (in /help, and after
# the staff welcome) come from the command registry, `bot.telegram.commands`.
WELCOME_KEYS = {
    "child": "welcome.child",
    "parent": "welcome.family",
    "carer": "welcome.family",
    "staff": "welcome.staff",
}
# Why a /start link did not link the account, by `JoinResult`.
REFUSAL_KEYS = {
    "already_joined": "invitation.already_joined",
    "unknown": "invitation.unknown",
    "expired": "invitation.expired",
    "used": "invitation.used",
    "too_many_tries": "invitation.too_many_tries",
    "family_account": "invitation.family_account",
    "staff_elsewhere": "invitation.staff_elsewhere",
}
# By `Notice`; a duplicate update is answered with nothing at all. Someone not linked yet is
# answered with their /help (how to join, and their commands), from the command registry.
NOTICE_KEYS: dict[str, str | None] = {
    "staff_only": "notice.staff_only",
    "no_review": "notice.no_review",
    "no_meeting_yet": "notice.no_meeting_yet",
    "no_open_run": "notice.no_open_run",
    "stale_button": "notice.stale_button",
    "resumed": "notice.resumed",
    "duplicate": None,
    "cancelled_nothing": "notice.cancelled_nothing",
    "no_meeting_that_day": "notice.no_meeting_that_day",
    "outcome_replaces": "notice.outcome_replaces",
    "checkin_for_children": "notice.checkin_for_children",
    "other_paused": "notice.other_paused",
    "already_sent": "notice.already_sent",
    "language_changed": "notice.language_changed",
    "unknown_command": "refusal.unknown_command",
    "staff_command": "refusal.staff_command",
}


# The words for who can see a sent run, by its `share_with` choice (`conversations.sharing`).
SHARE_KEYS = {
    "iro": "share.iro",
    "iro_and_social_worker": "share.iro_and_social_worker",
    "everyone_at_meeting": "share.everyone_at_meeting",
}


@functools.cache
def catalogue() -> Catalogue:
    """The bot's words in every language, read on first use."""
    return Catalogue.load(LOCALES)


# The web chat has no commands to type. Where a text names one, the catalogue keeps a
# variant for the web chat (`KEY.web_chat`) that names the chat's own button instead.
WEB_VARIANT = ".web_chat"


def message(
    key: str, locale: str = DEFAULT_LOCALE, /, *, web: bool = False, **values: object
) -> str:
    """The message `key` in `locale` (English where it has none), with `values` filled in;
    `web` picks its web chat variant where it has one."""
    if web and catalogue().has(key + WEB_VARIANT):
        key += WEB_VARIANT
    return catalogue().text(key, locale, **values)


# A command as Telegram reads one at the start of a message: "/", up to 32 letters, digits
# or underscores, perhaps "@the_bot", then a space or the end ("/5" is one, "1/2" is not).
COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@\w+)?(?=\s|$)")


def command_in(text: str) -> str | None:
    """The command a message starts with, in lower case ("/Help@my_bot now" -> "help")."""
    found = COMMAND.match(text.lstrip())
    return found.group(1).lower() if found else None


def welcome(role: str, locale: str = DEFAULT_LOCALE) -> str:
    """The first words to someone who has just joined as `role`."""
    return message(WELCOME_KEYS[role], locale)


def privacy_for(role: str | None, locale: str = DEFAULT_LOCALE) -> str:
    """What is kept and who sees it, in words for a parent or carer, or for a child."""
    family = role in ("parent", "carer")
    return message("privacy.family" if family else "privacy.child", locale)


def who_can_see(share_with: str | None, locale: str = DEFAULT_LOCALE) -> str:
    """Who can see a sent run, by its `share_with` answer (none: the default reader)."""
    return message(SHARE_KEYS[share_choice(share_with).id], locale)


def refusal(result: str, locale: str = DEFAULT_LOCALE) -> str:
    """Why an invitation link did not link this account."""
    return message(REFUSAL_KEYS[result], locale)


def notice(name: str, locale: str = DEFAULT_LOCALE, *, web: bool = False) -> str | None:
    """A notice's words, or None for one that is not said (a duplicate update)."""
    key = NOTICE_KEYS[name]
    return message(key, locale, web=web) if key else None


def support_reply(
    screened: Screened, locale: str = DEFAULT_LOCALE, *, web: bool = False
) -> str | None:
    """The words to send back first when screening found something, by who wrote it.

    A parent's or carer's words get replies written for adults: their own crisis lines,
    and for worries about the plan, advice for families rather than Childline.
    """
    family = screened.author in ("parent", "carer")
    if screened.level is Level.URGENT:
        return message("safety.urgent_family" if family else "safety.urgent", locale)
    if screened.level is Level.CONCERN:
        return message("safety.concern_family" if family else "safety.concern", locale, web=web)
    if family and set(screened.assessment.categories) & PARENT_CATEGORIES:
        return message("safety.family_worry", locale)
    return None
