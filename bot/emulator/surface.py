"""What both ways of driving the emulator share, written once over a few primitives.

`EmulatorController` (in-process) and `EmulatorClient` (over HTTP) each supply the transcript
of a chat, its next unread send or edit, and a way to plan a fault; waiting for a message,
the latest message and the fault helpers are built on those here, so a test reads, waits and
times out the same in-process and over HTTP.
"""

from __future__ import annotations

import asyncio
import json
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Any, Self

from bot.emulator.models import MessagePredicate, SentMessage
from bot.emulator.state import Fault


class ControlSurface(ABC):
    """The shared half of `EmulatorControl`; an async context manager that closes on exit."""

    @abstractmethod
    async def sent_messages(self, chat_id: int) -> list[SentMessage]:
        """Give the bot's messages to a chat in their current state, oldest first."""

    @abstractmethod
    async def next_message(self, chat_id: int, seconds: float) -> SentMessage | None:
        """Hand out the chat's next send or edit not handed out yet, waiting up to `seconds`."""

    @abstractmethod
    async def plan_fault(self, method: str, fault: Fault, count: int) -> None:
        """Make the next `count` calls of a method ("*" for any) misbehave as `fault` says."""

    @abstractmethod
    async def send_media(self, user_id: int, kind: str, **options: Any) -> int:
        """Inject a sticker, photo, voice note, document or location (see `users.MEDIA_KINDS`)."""

    @abstractmethod
    async def close(self) -> None:
        """Let go of what this side holds (a session, a server)."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def send_sticker(self, user_id: int, emoji: str = "🙂") -> int:
        """Inject a sticker."""
        return await self.send_media(user_id, "sticker", emoji=emoji)

    async def send_photo(self, user_id: int, caption: str | None = None) -> int:
        """Inject a photo (two sizes), optionally with a caption."""
        return await self.send_media(user_id, "photo", caption=caption)

    async def send_voice(self, user_id: int, duration: int = 3) -> int:
        """Inject a voice note."""
        return await self.send_media(user_id, "voice", duration=duration)

    async def send_document(
        self,
        user_id: int,
        file_name: str = "notes.txt",
        content: bytes = b"hello",
        mime_type: str = "text/plain",
    ) -> int:
        """Inject a document; its bytes can be downloaded through getFile."""
        document = {"file_name": file_name, "content": content, "mime_type": mime_type}
        return await self.send_media(user_id, "document", **document)

    async def send_location(
        self, user_id: int, latitude: float = 51.5072, longitude: float = -0.1276
    ) -> int:
        """Inject a location."""
        return await self.send_media(user_id, "location", latitude=latitude, longitude=longitude)

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
        """Wait for the bot's next send or edit in a chat that matches; raise TimeoutError.

        Each send and each edit is handed out once, oldest first, so successive calls read the
        conversation in order; ones that do not match the predicate are passed over for good.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (message := await self.next_message(chat_id, deadline - loop.time())) is not None:
            if predicate is None or predicate(message):
                return message
        raise TimeoutError(describe_timeout(chat_id, timeout, await self.sent_messages(chat_id)))

    async def fail_next(
        self,
        method: str,
        count: int = 1,
        status: int = 429,
        retry_after: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next `count` calls of a method ("*" for any) fail with `status`.

        With `chat_id`, only calls to that chat fail (Telegram's 429s are often per chat).
        """
        fault = Fault("fail", status=status, retry_after=retry_after, chat_id=chat_id)
        await self.plan_fault(method, fault, count)

    async def delay(
        self, method: str, seconds: float, count: int = 1, chat_id: int | None = None
    ) -> None:
        """Make the next `count` calls of a method (to `chat_id` only, if given) answer late."""
        await self.plan_fault(method, Fault("delay", seconds=seconds, chat_id=chat_id), count)

    async def drop_next(self, method: str, count: int = 1) -> None:
        """Make the next `count` calls of a method lose their connection with no response."""
        await self.plan_fault(method, Fault("drop"), count)


def describe_timeout(chat_id: int, timeout: float, sent: list[SentMessage]) -> str:
    """Explain a wait that timed out; tests read this, logs never do."""
    tail = [json.dumps(m.text if m.text is not None else m.caption) for m in sent[-3:]]
    return (
        f"no matching message in chat {chat_id} within {timeout:.1f}s; "
        f"{len(sent)} sent, last: {', '.join(tail) or 'none'}"
    )
