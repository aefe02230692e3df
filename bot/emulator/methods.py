"""The Bot API methods the emulator implements, each a small function over `EmulatorState`.

Replies and errors follow https://core.telegram.org/bots/api closely enough for
python-telegram-bot to parse them and for tests to see the errors Telegram would give.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.emulator.markup import normalise_markup, plain_text
from bot.emulator.models import JSON, ApiError, CallbackAnswer, SentDocument, SentMessage
from bot.emulator.models import bad_request as _bad
from bot.emulator.params import Params, Upload
from bot.emulator.state import Chat, EmulatorState

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_POLL_SECONDS = 50.0
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


Method = Callable[[EmulatorState, Params], Awaitable[Any]]
METHODS: dict[str, Method] = {}


def method(name: str) -> Callable[[Method], Method]:
    """Register a Bot API method under its lower-cased name (Telegram ignores case)."""

    def register(func: Method) -> Method:
        METHODS[name.lower()] = func
        return func

    return register


Text = tuple[str | None, str | None, str | None]  # (shown, as sent, parse_mode)


def _message_text(params: Params, name: str, limit: int, empty_error: str | None) -> Text:
    raw = params.text(name)
    parse_mode = params.text("parse_mode") or None
    if raw is None or raw == "":
        if empty_error:
            raise _bad(empty_error)
        return None, None, parse_mode
    shown = plain_text(raw, parse_mode)
    if empty_error and not shown.strip():
        raise _bad(empty_error)
    if len(shown.encode("utf-16-le")) // 2 > limit:
        raise _bad("message is too long" if name == "text" else "message caption is too long")
    return shown, raw, parse_mode


def _reply(state: EmulatorState, chat: Chat, message: SentMessage) -> JSON:
    return message.to_api(state.bot_user, chat.api())


def _send_new(state: EmulatorState, chat: Chat, params: Params, **content: Any) -> JSON:
    """Record a new bot message with the call's keyboard; give Telegram's answer to the send."""
    message = SentMessage(
        chat_id=chat.id,
        message_id=chat.take_message_id(),
        date=state.now(),
        reply_markup=normalise_markup(params.obj("reply_markup")),
        **content,
    )
    state.record_sent(chat, message)
    return _reply(state, chat, message)


def _sent(state: EmulatorState, params: Params) -> tuple[Chat, SentMessage]:
    """Find the bot message an edit targets, as Telegram reports a missing one."""
    if params.raw("inline_message_id") is not None:
        raise _bad("inline messages are not supported by the emulator")
    chat = state.writable_chat(params.raw("chat_id"))
    message = chat.sent.get(params.required_int("message_id"))
    if message is None or message.deleted:
        if params.integer("message_id") in chat.user_messages:
            raise _bad("message can't be edited")
        raise _bad("message to edit not found")
    return chat, message


@method("getMe")
async def get_me(state: EmulatorState, params: Params) -> JSON:
    return state.bot_user


@method("getUpdates")
async def get_updates(state: EmulatorState, params: Params) -> list[JSON]:
    if state.webhook["url"]:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    limit = max(1, min(100, params.integer("limit", 100) or 100))
    poll = min(params.number("timeout", 0.0), MAX_POLL_SECONDS)
    allowed = params.obj("allowed_updates") or None
    return await state.get_updates(params.integer("offset"), limit, poll, allowed)


@method("setWebhook")
async def set_webhook(state: EmulatorState, params: Params) -> bool:
    url = params.text("url") or ""
    if url and not url.startswith(("http://", "https://")):
        raise _bad("bad webhook: invalid webhook URL specified")
    if params.flag("drop_pending_updates"):
        state.updates.clear()
    state.webhook = {"url": url, "secret_token": params.text("secret_token") or None}
    state.webhook_errors = {}
    logger.info("webhook %s", "set" if url else "removed")
    state.changed()
    return True


@method("deleteWebhook")
async def delete_webhook(state: EmulatorState, params: Params) -> bool:
    if params.flag("drop_pending_updates"):
        state.updates.clear()
    state.webhook = {"url": "", "secret_token": None}
    state.changed()
    return True


@method("getWebhookInfo")
async def get_webhook_info(state: EmulatorState, params: Params) -> JSON:
    return {
        "url": state.webhook["url"],
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
        **state.webhook_errors,
    }


@method("sendMessage")
async def send_message(state: EmulatorState, params: Params) -> JSON:
    chat = state.writable_chat(params.raw("chat_id"))
    shown, raw, parse_mode = _message_text(params, "text", MAX_TEXT, "message text is empty")
    return _send_new(state, chat, params, text=shown, raw_text=raw, parse_mode=parse_mode)


@method("editMessageText")
async def edit_message_text(state: EmulatorState, params: Params) -> JSON:
    chat, message = _sent(state, params)
    if message.text is None:
        raise _bad("there is no text in the message to edit")
    shown, raw, parse_mode = _message_text(params, "text", MAX_TEXT, "message text is empty")
    # Like Telegram, leaving reply_markup out removes the inline keyboard.
    markup = normalise_markup(params.obj("reply_markup"))
    if shown == message.text and markup == message.reply_markup:
        raise _bad(_NOT_MODIFIED)
    message.text, message.raw_text, message.parse_mode = shown, raw, parse_mode
    message.reply_markup = markup
    state.record_edit(chat, message)
    return _reply(state, chat, message)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(state: EmulatorState, params: Params) -> JSON:
    chat, message = _sent(state, params)
    markup = normalise_markup(params.obj("reply_markup"))
    if markup == message.reply_markup:
        raise _bad(_NOT_MODIFIED)
    message.reply_markup = markup
    state.record_edit(chat, message)
    return _reply(state, chat, message)


@method("answerCallbackQuery")
async def answer_callback_query(state: EmulatorState, params: Params) -> bool:
    answer: CallbackAnswer | None = state.callbacks.get(params.text("callback_query_id") or "")
    if answer is None or answer.answered:
        raise _bad("query is too old and response timeout expired or query ID is invalid")
    text = params.text("text")
    if text is not None and len(text) > 200:
        raise _bad("MESSAGE_TOO_LONG")
    answer.answered, answer.text, answer.show_alert = True, text, params.flag("show_alert")
    state.changed()
    return True


@method("sendDocument")
async def send_document(state: EmulatorState, params: Params) -> JSON:
    chat = state.writable_chat(params.raw("chat_id"))
    document = _document(state, params.upload("document"))
    caption, raw, parse_mode = _message_text(params, "caption", MAX_CAPTION, None)
    return _send_new(
        state,
        chat,
        params,
        caption=caption,
        raw_text=raw,
        parse_mode=parse_mode,
        documents=[document],
    )


def _document(state: EmulatorState, source: Upload | str | None) -> SentDocument:
    if isinstance(source, Upload):
        if not source.content:
            raise _bad("file must be non-empty")
        file_id, unique_id = state.new_id("document")
        state.files[file_id] = (f"documents/{source.filename}", source.content)
        return SentDocument(
            file_id, unique_id, source.filename, source.content, source.content_type
        )
    if source and source in state.files:
        path, content = state.files[source]
        return SentDocument(source, "u" + source, path.rsplit("/", 1)[-1], content)
    raise _bad("wrong file identifier/HTTP URL specified")


def _scope_key(params: Params) -> tuple[str, str]:
    return scope_key(params.obj("scope")), params.text("language_code") or ""


def scope_key(scope: Any) -> str:
    """Give a canonical key for a BotCommandScope (default scope when absent)."""
    if not scope:
        scope = {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise _bad("can't parse BotCommandScope JSON object")
    canonical = dict(scope)
    if "chat_id" in canonical:
        chat_id = canonical["chat_id"]
        canonical["chat_id"] = int(chat_id) if str(chat_id).lstrip("-").isdigit() else chat_id
    return json.dumps(canonical, sort_keys=True)


@method("setMyCommands")
async def set_my_commands(state: EmulatorState, params: Params) -> bool:
    commands = params.obj("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise _bad("can't parse commands JSON object")
    for command in commands:
        name = str(command.get("command", "")) if isinstance(command, dict) else ""
        ok_name = 1 <= len(name) <= 32 and all(
            c.islower() or c.isdigit() or c == "_" for c in name
        )
        if not ok_name or not 1 <= len(str(command.get("description", ""))) <= 256:
            raise _bad("BOT_COMMAND_INVALID")
    state.commands[_scope_key(params)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


@method("getMyCommands")
async def get_my_commands(state: EmulatorState, params: Params) -> list[JSON]:
    return list(state.commands.get(_scope_key(params), []))


@method("deleteMyCommands")
async def delete_my_commands(state: EmulatorState, params: Params) -> bool:
    state.commands.pop(_scope_key(params), None)
    return True


@method("sendChatAction")
async def send_chat_action(state: EmulatorState, params: Params) -> bool:
    state.writable_chat(params.raw("chat_id"))
    if params.text("action") not in _CHAT_ACTIONS:
        raise _bad("wrong parameter action in request")
    return True


@method("deleteMessage")
async def delete_message(state: EmulatorState, params: Params) -> bool:
    chat = state.writable_chat(params.raw("chat_id"))
    message = chat.sent.get(params.required_int("message_id"))
    if message is None or message.deleted:
        raise _bad("message to delete not found")
    message.deleted = True
    state.changed()
    return True


@method("getFile")
async def get_file(state: EmulatorState, params: Params) -> JSON:
    file_id = params.text("file_id") or ""
    if file_id not in state.files:
        raise _bad("invalid file_id")
    path, content = state.files[file_id]
    return {
        "file_id": file_id,
        "file_unique_id": "u" + file_id,
        "file_size": len(content),
        "file_path": path,
    }


@method("close")
async def close(state: EmulatorState, params: Params) -> bool:
    return True


@method("logOut")
async def log_out(state: EmulatorState, params: Params) -> bool:
    return True
