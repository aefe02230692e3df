"""What emulated users do: each function records it and queues the update Telegram would send.

Shapes carry what python-telegram-bot's de_json and filters need (file ids, sizes, flags), and
no more. Every function returns the new update's id.
"""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.models import JSON, CallbackAnswer
from bot.emulator.state import Chat, EmulatorState

# Telegram marks /commands anywhere a word starts, optionally addressed as /cmd@botname.
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
MEDIA_KINDS = ("sticker", "photo", "voice", "document", "location")


def _utf16_len(text: str) -> int:
    # Entity offsets and lengths count UTF-16 code units, not Python characters.
    return len(text.encode("utf-16-le")) // 2


def _text_content(text: str) -> JSON:
    content: JSON = {"text": text}
    entities = [
        {
            "type": "bot_command",
            "offset": _utf16_len(text[: m.start()]),
            "length": _utf16_len(m.group()),
        }
        for m in _COMMAND.finditer(text)
    ]
    if entities:
        content["entities"] = entities
    return content


def text_message(state: EmulatorState, user_id: int, text: str) -> int:
    """Send a text; `/start CODE` and other commands get bot_command entities."""
    return state.user_message(user_id, _text_content(text))


def edit_user_message(state: EmulatorState, user_id: int, message_id: int, new_text: str) -> int:
    """Edit a text the user sent earlier (an edited_message update)."""
    chat = state.chat(user_id)
    original = chat.user_messages.get(message_id)
    if original is None or "text" not in original:
        raise KeyError(f"user {user_id} sent no text message {message_id}")
    edited = {k: v for k, v in original.items() if k not in ("text", "entities")}
    edited.update(_text_content(new_text), edit_date=state.now())
    chat.user_messages[message_id] = edited
    return state.push_update("edited_message", edited)


def callback_query(state: EmulatorState, user_id: int, message_id: int, data: str) -> int:
    """Press a button under a bot message; forged or stale data is sent as given."""
    chat = state.chat(user_id)
    state.chat_started(chat)
    update_id = state.next_update_id
    query_id = f"cbq-{update_id}"
    state.callbacks[query_id] = CallbackAnswer(query_id, update_id, user_id, data)
    query = {
        "id": query_id,
        "from": dict(chat.user),
        "message": _message_for_callback(state, chat, message_id),
        "chat_instance": f"ci-{user_id}",
        "data": data,
    }
    return state.push_update("callback_query", query)


def _message_for_callback(state: EmulatorState, chat: Chat, message_id: int) -> JSON:
    sent = chat.sent.get(message_id)
    if sent is None or sent.deleted:
        # Telegram's InaccessibleMessage: date 0 tells PTB the content is gone.
        return {"message_id": message_id, "chat": chat.api(), "date": 0}
    return sent.to_api(state.bot_user, chat.api())


def media_message(state: EmulatorState, user_id: int, kind: str, **options: Any) -> int:
    """Send a sticker, photo, voice note, document or location."""
    if kind not in MEDIA_KINDS:
        raise ValueError(f"unknown media kind {kind!r}; expected one of {MEDIA_KINDS}")
    content: JSON
    if kind == "location":
        content = {
            "location": {
                "latitude": float(options.get("latitude", 51.5072)),
                "longitude": float(options.get("longitude", -0.1276)),
            }
        }
    elif kind == "photo":
        content = {"photo": [_file(state, "photo", w, w * 3 // 4) for w in (90, 800)]}
        if options.get("caption"):
            content["caption"] = options["caption"]
    elif kind == "sticker":
        sticker = _file(state, "sticker", 512, 512)
        sticker.update(is_animated=False, is_video=False, type="regular")
        sticker["emoji"] = options.get("emoji", "🙂")
        content = {"sticker": sticker}
    elif kind == "voice":
        voice = _file(state, "voice")
        voice.update(duration=int(options.get("duration", 3)), mime_type="audio/ogg")
        content = {"voice": voice}
    else:
        raw = options.get("content", b"hello")
        data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
        name = str(options.get("file_name", "notes.txt"))
        document = _file(state, "document", content=data, path=f"documents/{name}")
        document.update(file_name=name, mime_type=options.get("mime_type", "text/plain"))
        content = {"document": document}
    return state.user_message(user_id, content)


def _file(
    state: EmulatorState,
    kind: str,
    width: int | None = None,
    height: int | None = None,
    *,
    content: bytes = b"\x00" * 16,
    path: str | None = None,
) -> JSON:
    """Register a file the user sent so getFile and downloads work, and describe it."""
    file_id, unique_id = state.new_id(kind)
    state.files[file_id] = (path or f"{kind}s/{file_id}", content)
    described: JSON = {"file_id": file_id, "file_unique_id": unique_id, "file_size": len(content)}
    if width is not None:
        described.update(width=width, height=height)
    return described
