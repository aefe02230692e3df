"""Handlers for choosing a language: /language, the chooser's buttons, and the menu in it."""

from __future__ import annotations

from telegram import BotCommandScopeChat, Update
from telegram.ext import ContextTypes

from bot.app import texts
from bot.app.buttons import LanguageButton
from bot.app.languages import choose_language, offered, reader
from bot.telegram.callbacks import language_button
from bot.telegram.handlers.context import BotDeps, deps
from bot.telegram.handlers.sending import present, send, with_retries
from bot.telegram.render import ChatMessage
from bot.telegram.update_keys import key_of


def chooser(bot_deps: BotDeps, locale: str, first: str | None = None) -> ChatMessage:
    """'Which language?' in `locale`, with one button per offered language in its own name."""
    choices = offered(bot_deps.services.settings.languages, first or locale)
    rows = tuple(((choice.name, language_button(choice.locale)),) for choice in choices)
    return ChatMessage(texts.message("language.choose", locale), rows)


async def show_languages(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the languages the service has, the one in use first."""
    assert update.effective_user is not None and update.effective_chat is not None
    bot_deps = deps(context)
    locale = (await reader(bot_deps.services, update.effective_user.id)).locale
    await send(context.bot, update.effective_chat.id, chooser(bot_deps, locale))


async def press_language(
    update: Update, context: ContextTypes.DEFAULT_TYPE, button: LanguageButton
) -> None:
    """Keep the chosen language, say so in it, and ask the open question again in it."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    assert update.effective_chat is not None
    bot_deps = deps(context)
    user_id, chat_id = update.effective_user.id, update.effective_chat.id
    outcome = await choose_language(
        bot_deps.services, bot_deps.conversations.flows, user_id, key_of(update), button.locale
    )
    await with_retries(query.answer)
    role = (await reader(bot_deps.services, user_id)).role
    if role is not None:
        # The command menu follows the language too.
        menu = bot_deps.commands.menu(role, outcome.locale)
        await with_retries(
            lambda: context.bot.set_my_commands(menu, scope=BotCommandScopeChat(chat_id))
        )
    await present(context.bot, chat_id, bot_deps, outcome)
