"""`EmulatorClient`: the control interface over HTTP, for a test whose bot runs elsewhere.

It has the same method names and signatures as the in-process `BotApiEmulator`, so a test
that runs `mysay run` as a subprocess reads like one that runs the bot in-process.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.emulator.models import JSON, CallbackAnswer, SentMessage
from bot.emulator.state import Fault
from bot.emulator.surface import ControlSurface


class EmulatorError(RuntimeError):
    """The emulator refused a control request."""


class EmulatorClient(ControlSurface):
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

    async def send_media(self, user_id: int, kind: str, **options: Any) -> int:
        """Inject a sticker, photo, voice note, document or location (see `users.MEDIA_KINDS`)."""
        if "content" in options:
            options["content_base64"] = base64.b64encode(options.pop("content")).decode("ascii")
        return await self._update(f"/users/{user_id}/media/{kind}", options)

    async def edit_user_message(self, user_id: int, message_id: int, new_text: str) -> int:
        """Inject an edited_message for a text the user sent."""
        body = {"message_id": message_id, "text": new_text}
        return await self._update(f"/users/{user_id}/edits", body)

    async def sent_messages(self, chat_id: int) -> list[SentMessage]:
        """Give the bot's messages to a chat in their current state, oldest first."""
        _, data = await self._call("GET", f"/chats/{chat_id}/messages")
        return [SentMessage.from_json(m) for m in data["messages"]]

    async def next_message(self, chat_id: int, seconds: float) -> SentMessage | None:
        """Hand out the chat's next send or edit not handed out yet, waiting up to `seconds`."""
        body = {"timeout": max(seconds, 0.0)}
        status, data = await self._call("POST", f"/chats/{chat_id}/next", body, ok=(200, 408))
        return SentMessage.from_json(data["message"]) if status == 200 else None

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

    async def plan_fault(self, method: str, fault: Fault, count: int) -> None:
        """Make the next `count` calls of a method ("*" for any) misbehave as `fault` says."""
        body = {"method": method, "count": count, **dataclasses.asdict(fault)}
        await self._call("POST", "/faults", body)

    async def clear_faults(self) -> None:
        """Forget every planned fault."""
        await self._call("DELETE", "/faults")
