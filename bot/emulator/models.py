"""Values the emulator records and hands to tests: sent messages, documents, callback answers.

They are plain dataclasses with a JSON form, so the in-process API and the HTTP control
interface (`EmulatorClient`) return exactly the same objects.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

JSON = dict[str, Any]


@dataclass
class SentDocument:
    """A file the bot sent with sendDocument."""

    file_id: str
    file_unique_id: str
    file_name: str
    content: bytes
    mime_type: str | None = None

    def to_api(self) -> JSON:
        """Shape the document like the Bot API's Document object."""
        api: JSON = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "file_size": len(self.content),
        }
        if self.mime_type:
            api["mime_type"] = self.mime_type
        return api

    def to_json(self) -> JSON:
        """Serialise for the control interface (content as base64)."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "content_base64": base64.b64encode(self.content).decode("ascii"),
            "mime_type": self.mime_type,
        }

    @classmethod
    def from_json(cls, data: JSON) -> SentDocument:
        """Rebuild a document from `to_json` output."""
        return cls(
            file_id=data["file_id"],
            file_unique_id=data["file_unique_id"],
            file_name=data["file_name"],
            content=base64.b64decode(data["content_base64"]),
            mime_type=data.get("mime_type"),
        )


@dataclass
class SentMessage:
    """One message the bot sent to a chat, in its current (possibly edited) state.

    `text` is what the user sees (HTML tags removed when parse_mode is HTML); `raw_text` is
    what the bot sent. A document message has its caption in `caption` and `text` None.
    """

    chat_id: int
    message_id: int
    date: int
    text: str | None = None
    raw_text: str | None = None
    parse_mode: str | None = None
    reply_markup: JSON | None = None
    caption: str | None = None
    documents: list[SentDocument] = field(default_factory=list)
    edited: bool = False
    edit_date: int | None = None
    deleted: bool = False

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """Give the inline keyboard as (text, callback_data) pairs, row by row."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [(b.get("text", ""), b.get("callback_data")) for row in rows for b in row]

    def snapshot(self) -> SentMessage:
        """Copy the message so later edits do not change what a test already holds."""
        return copy.deepcopy(self)

    def to_api(self, bot_user: JSON, chat: JSON) -> JSON:
        """Shape the message like the Bot API's Message object."""
        api: JSON = {
            "message_id": self.message_id,
            "from": bot_user,
            "chat": chat,
            "date": self.date,
        }
        if self.text is not None:
            api["text"] = self.text
        if self.caption is not None:
            api["caption"] = self.caption
        if self.documents:
            api["document"] = self.documents[0].to_api()
        if self.reply_markup is not None:
            api["reply_markup"] = self.reply_markup
        if self.edit_date is not None:
            api["edit_date"] = self.edit_date
        return api

    def to_json(self) -> JSON:
        """Serialise for the control interface."""
        data = {k: v for k, v in self.__dict__.items() if k != "documents"}
        data["documents"] = [d.to_json() for d in self.documents]
        return data

    @classmethod
    def from_json(cls, data: JSON) -> SentMessage:
        """Rebuild a message from `to_json` output."""
        fields = dict(data)
        fields["documents"] = [SentDocument.from_json(d) for d in data.get("documents", [])]
        return cls(**fields)


@dataclass
class CallbackAnswer:
    """A callback query a user raised, and how the bot answered it (if it did)."""

    query_id: str
    update_id: int
    user_id: int
    data: str | None
    answered: bool = False
    text: str | None = None
    show_alert: bool = False

    def to_json(self) -> JSON:
        """Serialise for the control interface."""
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: JSON) -> CallbackAnswer:
        """Rebuild an answer from `to_json` output."""
        return cls(**data)


class ApiError(Exception):
    """A Bot API error: becomes a non-2xx reply `{"ok": false, "error_code", "description"}`."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def to_json(self) -> JSON:
        """Shape the error body the way Telegram does."""
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    """Build Telegram's usual 400 error."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """Build Telegram's usual 403 error."""
    return ApiError(403, f"Forbidden: {reason}")


MessagePredicate = Callable[[SentMessage], bool]


class EmulatorControl(Protocol):
    """What tests use to drive the emulator; `BotApiEmulator` and `EmulatorClient` both fit.

    Every method is async so a test reads the same in-process and over HTTP.
    """

    async def send_text(self, user_id: int, text: str) -> int: ...

    async def press_button(self, user_id: int, message_id: int, callback_data: str) -> int: ...

    async def send_sticker(self, user_id: int, emoji: str = ...) -> int: ...

    async def send_photo(self, user_id: int, caption: str | None = ...) -> int: ...

    async def send_voice(self, user_id: int, duration: int = ...) -> int: ...

    async def send_document(
        self, user_id: int, file_name: str = ..., content: bytes = ..., mime_type: str = ...
    ) -> int: ...

    async def send_location(
        self, user_id: int, latitude: float = ..., longitude: float = ...
    ) -> int: ...

    async def edit_user_message(self, user_id: int, message_id: int, new_text: str) -> int: ...

    async def sent_messages(self, chat_id: int) -> list[SentMessage]: ...

    async def last_message(self, chat_id: int) -> SentMessage | None: ...

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: MessagePredicate | None = ...,
        timeout: float = ...,  # noqa: ASYNC109 - tests read better with timeout=
    ) -> SentMessage: ...

    async def commands(self, scope: JSON | None = ..., language_code: str = ...) -> list[JSON]: ...

    async def callback_answers(self) -> list[CallbackAnswer]: ...

    async def set_blocked(self, user_id: int, blocked: bool = ...) -> None: ...

    async def fail_next(
        self,
        method: str,
        count: int = ...,
        status: int = ...,
        retry_after: int = ...,
        chat_id: int | None = ...,
    ) -> None: ...

    async def delay(
        self, method: str, seconds: float, count: int = ..., chat_id: int | None = ...
    ) -> None: ...

    async def drop_next(self, method: str, count: int = ...) -> None: ...

    async def clear_faults(self) -> None: ...
