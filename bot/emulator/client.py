"""`EmulatorClient`: the control interface over HTTP, for a test whose bot runs elsewhere.

It has the same method names and signatures as the in-process `BotApiEmulator`, so a test
that runs `mysay run` as a subprocess reads like one that runs the bot in-process.
"""

from __future__ import annotations

import asyncio
import base64
import json
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.emulator.models import JSON, CallbackAnswer, MessagePredicate, SentMessage
from bot.emulator.state import describe_timeout


class EmulatorError(RuntimeError):
    """The emulator refused a control request."""


class EmulatorClient:
    """Drive a running emulator: `async with EmulatorClient("http://127.0.0.1:8081") as emu:`.

    `url` is the server root; a base URL ending in /bot or /_emulator is accepted too.
    """

    def __init__(self, url: str, *, session: aiohttp.ClientSession | None = None) -> None:
        root = url.rstrip("/")
        for suffix in ("/bot", "/_emulator"):
            root = root.removesuffix(suffix)
        self.control_url = f"{root}/_emulator"
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session if this client opened it."""
        if self._session is not None and self._owns_session:
            await self._session.close()
            self._session = None

    async def _call(
        self, verb: str, path: str, body: JSON | None = None, *, ok: tuple[int, ...] = (200,)
    ) -> tuple[int, JSON]:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.request(verb, self.control_url + path, json=body) as response:
            if response.status not in ok:
                raise EmulatorError(f"{verb} {path}: {response.status} {await response.text()}")
            return response.status, await response.json()

    async def _update(self, path: str, body: JSON) -> int:
        _, data = await self._call("POST", path, body)
        return int(data["update_id"])

    async def send_text(self, user_id: int, text: str) -> int:
        """Inject a text (or /command) from a user; give the update_id."""
        return await self._update(f"/users/{user_id}/messages", {"text": text})

    async def press_button(self, user_id: int, message_id: int, callback_data: str) -> int:
        """Inject a button press with any data, stale or forged."""
        body = {"message_id": message_id, "data": callback_data}
        return await self._update(f"/users/{user_id}/callbacks", body)

    async def send_sticker(self, user_id: int, emoji: str = "🙂") -> int:
        """Inject a sticker."""
        return await self._update(f"/users/{user_id}/media/sticker", {"emoji": emoji})

    async def send_photo(self, user_id: int, caption: str | None = None) -> int:
        """Inject a photo, optionally with a caption."""
        return await self._update(f"/users/{user_id}/media/photo", {"caption": caption})

    async def send_voice(self, user_id: int, duration: int = 3) -> int:
        """Inject a voice note."""
        return await self._update(f"/users/{user_id}/media/voice", {"duration": duration})

    async def send_document(
        self,
        user_id: int,
        file_name: str = "notes.txt",
        content: bytes = b"hello",
        mime_type: str = "text/plain",
    ) -> int:
        """Inject a document."""
        body = {
            "file_name": file_name,
            "content_base64": base64.b64encode(content).decode("ascii"),
            "mime_type": mime_type,
        }
        return await self._update(f"/users/{user_id}/media/document", body)

    async def send_location(
        self, user_id: int, latitude: float = 51.5072, longitude: float = -0.1276
    ) -> int:
        """Inject a location."""
        body = {"latitude": latitude, "longitude": longitude}
        return await self._update(f"/users/{user_id}/media/location", body)

    async def edit_user_message(self, user_id: int, message_id: int, new_text: str) -> int:
        """Inject an edited_message for a text the user sent."""
        body = {"message_id": message_id, "text": new_text}
        return await self._update(f"/users/{user_id}/edits", body)

    async def sent_messages(self, chat_id: int) -> list[SentMessage]:
        """Give the bot's messages to a chat in their current state, oldest first."""
        _, data = await self._call("GET", f"/chats/{chat_id}/messages")
        return [SentMessage.from_json(m) for m in data["messages"]]

    async def last_message(self, chat_id: int) -> SentMessage | None:
        """Give the bot's latest message to a chat, if any."""
        messages = await self.sent_messages(chat_id)
        return messages[-1] if messages else None

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: MessagePredicate | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the brief's test API; a deadline, not a guard
    ) -> SentMessage:
        """Wait for the bot's next send or edit in a chat that matches; raise TimeoutError."""
        # The server hands out sends and edits one by one; the predicate runs here.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (remaining := deadline - loop.time()) > 0:
            status, data = await self._call(
                "POST", f"/chats/{chat_id}/next", {"timeout": remaining}, ok=(200, 408)
            )
            if status == 408:
                break
            message = SentMessage.from_json(data["message"])
            if predicate is None or predicate(message):
                return message
        raise TimeoutError(describe_timeout(chat_id, timeout, await self.sent_messages(chat_id)))

    async def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Give the commands registered for a scope (default scope when None)."""
        query = {"language_code": language_code}
        if scope is not None:
            query["scope"] = json.dumps(scope)
        _, data = await self._call("GET", "/commands?" + urlencode(query))
        commands: list[JSON] = data["commands"]
        return commands

    async def callback_answers(self) -> list[CallbackAnswer]:
        """Give every button press so far and how the bot answered it."""
        _, data = await self._call("GET", "/callback-answers")
        return [CallbackAnswer.from_json(a) for a in data["answers"]]

    async def set_blocked(self, user_id: int, blocked: bool = True) -> None:
        """Make the user block (or unblock) the bot."""
        await self._call("PUT", f"/users/{user_id}/blocked", {"blocked": blocked})

    async def fail_next(
        self,
        method: str,
        count: int = 1,
        status: int = 429,
        retry_after: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next `count` calls of a method ("*" for any) fail with `status`."""
        body: dict[str, Any] = {"method": method, "kind": "fail", "count": count}
        body.update(status=status, retry_after=retry_after, chat_id=chat_id)
        await self._call("POST", "/faults", body)

    async def delay(
        self, method: str, seconds: float, count: int = 1, chat_id: int | None = None
    ) -> None:
        """Make the next `count` calls of a method (to `chat_id` only, if given) answer late."""
        body = {"method": method, "kind": "delay", "seconds": seconds, "count": count}
        await self._call("POST", "/faults", {**body, "chat_id": chat_id})

    async def drop_next(self, method: str, count: int = 1) -> None:
        """Make the next `count` calls of a method lose their connection."""
        await self._call("POST", "/faults", {"method": method, "kind": "drop", "count": count})

    async def clear_faults(self) -> None:
        """Forget every planned fault."""
        await self._call("DELETE", "/faults")
