"""In-memory state of the emulated Bot API: users, chats, transcripts, updates, faults.

Everything is deterministic: update, message, file and callback ids come from counters, and
`date` fields from an injectable clock. Waiting (long polling, `next_message`, webhook
delivery) uses one `Signal` that is pulsed on every change.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from bot.emulator.models import (
    JSON,
    ApiError,
    CallbackAnswer,
    SentMessage,
    forbidden,
)

Clock = Callable[[], float]
DEFAULT_TOKEN = "123456:TEST-TOKEN"


class Signal:
    """A broadcast "something changed": capture `event` before checking, then wait on it."""

    def __init__(self) -> None:
        self.event = asyncio.Event()

    def pulse(self) -> None:
        """Wake every waiter and arm a fresh event for the next change."""
        self.event.set()
        self.event = asyncio.Event()


async def wait_event(event: asyncio.Event, seconds: float) -> None:
    """Wait for `event` at most `seconds`; callers re-check their condition."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), max(seconds, 0.0))


@dataclass
class Fault:
    """One planned misbehaviour for one call: an error status, a delay, or a dropped connection."""

    kind: str  # "fail", "delay" or "drop"
    status: int = 500
    retry_after: int = 1
    seconds: float = 0.0
    chat_id: int | None = None  # only calls for this chat, or any call when None


@dataclass
class Chat:
    """A private chat with one user: what they sent and what the bot sent back."""

    user: JSON
    started: bool = False
    blocked: bool = False
    next_message_id: int = 1
    user_messages: dict[int, JSON] = field(default_factory=dict)
    sent: dict[int, SentMessage] = field(default_factory=dict)
    events: list[SentMessage] = field(default_factory=list)  # snapshots of sends and edits
    cursor: int = 0  # events already handed out by next_message

    @property
    def id(self) -> int:
        return int(self.user["id"])

    def api(self) -> JSON:
        """Shape the chat like the Bot API's Chat object."""
        chat: JSON = {"id": self.id, "type": "private", "first_name": self.user["first_name"]}
        if "username" in self.user:
            chat["username"] = self.user["username"]
        return chat

    def take_message_id(self) -> int:
        """Give the next id; user and bot messages share one sequence, as in Telegram."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


class StateOptions(TypedDict, total=False):
    """What `EmulatorState` takes besides its tokens, for a caller that passes them on."""

    clock: Clock
    first_update_id: int
    bot_username: str


class EmulatorState:
    """The one bot the emulator serves, its chats and its pending updates."""

    def __init__(
        self,
        tokens: str | Iterable[str] = DEFAULT_TOKEN,
        *,
        clock: Clock = time.time,
        first_update_id: int = 1,
        bot_username: str = "mysay_test_bot",
    ) -> None:
        token_list = [tokens] if isinstance(tokens, str) else list(tokens)
        if not token_list:
            raise ValueError("the emulator needs at least one token")
        self.tokens = frozenset(token_list)
        prefix = token_list[0].split(":", 1)[0]
        self.bot_user: JSON = {
            "id": int(prefix) if prefix.isdigit() else 123456,
            "is_bot": True,
            "first_name": "My Say (emulator)",
            "username": bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.clock = clock
        self.signal = Signal()
        self.closing = False
        self.chats: dict[int, Chat] = {}
        self.updates: list[JSON] = []
        self.next_update_id = first_update_id
        self._counter = 0
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self.callbacks: dict[str, CallbackAnswer] = {}  # by query id
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.faults: dict[str, deque[Fault]] = {}
        self.webhook: JSON = {"url": "", "secret_token": None}
        self.webhook_errors: JSON = {}
        # Every Bot API call answered, by (method, HTTP status): what a bot's calls cost.
        self.calls: Counter[tuple[str, int]] = Counter()

    # ids, time and change notification

    def now(self) -> int:
        """Give the current time as Telegram's integer `date`."""
        return int(self.clock())

    def new_id(self, kind: str) -> tuple[str, str]:
        """Give a deterministic (file_id, file_unique_id) pair."""
        self._counter += 1
        file_id = f"{kind}-{self._counter:06d}"
        return file_id, "u" + file_id

    def changed(self) -> None:
        """Wake long polls, message waiters and the webhook sender."""
        self.signal.pulse()

    # users and chats

    def chat(self, chat_id: int) -> Chat:
        """Give the private chat with a user, creating it (not yet started) if new."""
        if chat_id not in self.chats:
            user: JSON = {"id": chat_id, "is_bot": False, "first_name": f"User{chat_id}"}
            self.chats[chat_id] = Chat(user=user)
        return self.chats[chat_id]

    def register_user(self, user_id: int, **profile: Any) -> None:
        """Set profile fields (first_name, username, language_code) a user's updates carry."""
        self.chat(user_id).user.update(profile)

    def writable_chat(self, chat_id: Any) -> Chat:
        """Give a chat the bot may write to, or raise the error Telegram would."""
        try:
            numeric = int(chat_id)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        if numeric <= 0:
            raise ApiError(400, "Bad Request: chat not found")  # only private chats exist here
        chat = self.chat(numeric)
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        if not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        return chat

    # updates from users

    def push_update(self, kind: str, payload: JSON) -> int:
        """Queue an update (for getUpdates or the webhook sender) and return its id."""
        update_id = self.next_update_id
        self.next_update_id += 1
        self.updates.append({"update_id": update_id, kind: payload})
        self.changed()
        return update_id

    def chat_started(self, chat: Chat) -> None:
        """Note the user has written to the bot, so the bot may now write to them."""
        chat.started = True

    def user_message(self, user_id: int, content: JSON) -> int:
        """Record a message from a user in their private chat and queue it as an update."""
        chat = self.chat(user_id)
        self.chat_started(chat)
        message = {
            "message_id": chat.take_message_id(),
            "from": dict(chat.user),
            "chat": chat.api(),
            "date": self.now(),
            **content,
        }
        chat.user_messages[message["message_id"]] = message
        return self.push_update("message", message)

    # what the bot sent

    def record_sent(self, chat: Chat, message: SentMessage) -> None:
        """Add a bot message to the transcript and wake waiters."""
        chat.sent[message.message_id] = message
        chat.events.append(message.snapshot())
        self.changed()

    def record_edit(self, chat: Chat, message: SentMessage) -> None:
        """Note an edit already applied to a stored message."""
        message.edited = True
        message.edit_date = self.now()
        chat.events.append(message.snapshot())
        self.changed()

    def transcript(self, chat_id: int) -> list[SentMessage]:
        """Give copies of the bot's messages to a chat, oldest first."""
        chat = self.chats.get(chat_id)
        if chat is None:
            return []
        return [chat.sent[k].snapshot() for k in sorted(chat.sent)]

    async def next_message(self, chat_id: int, seconds: float) -> SentMessage | None:
        """Hand out the next send or edit this chat has not handed out yet, waiting for it."""
        chat = self.chat(chat_id)
        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            event = self.signal.event
            if chat.cursor < len(chat.events):
                chat.cursor += 1
                return chat.events[chat.cursor - 1].snapshot()
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or self.closing:
                return None
            await wait_event(event, remaining)

    # getUpdates

    async def get_updates(
        self, offset: int | None, limit: int, poll_seconds: float, allowed: list[str] | None
    ) -> list[JSON]:
        """Confirm updates below `offset`, then long-poll up to `poll_seconds` for new ones."""
        if offset is not None and offset < 0:
            self.updates = self.updates[offset:]  # Telegram: -N keeps the last N
        elif offset is not None:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = asyncio.get_running_loop().time() + poll_seconds
        while True:
            event = self.signal.event
            ready = [u for u in self.updates if not allowed or _kind(u) in allowed][:limit]
            remaining = deadline - asyncio.get_running_loop().time()
            if ready or remaining <= 0 or self.closing:
                return ready
            await wait_event(event, remaining)

    # faults

    def add_fault(self, method: str, fault: Fault, count: int) -> None:
        """Plan `count` occurrences of a fault for a method ("*" means any method)."""
        self.faults.setdefault(method.lower(), deque()).extend(fault for _ in range(count))

    def take_fault(self, method: str, chat_id: object = None) -> Fault | None:
        """Consume the next planned fault for this call (to this chat, if it names one)."""
        for key in (method.lower(), "*"):
            for fault in self.faults.get(key, ()):
                if fault.chat_id is None or str(fault.chat_id) == str(chat_id):
                    self.faults[key].remove(fault)
                    return fault
        return None


def _kind(update: JSON) -> str:
    return next(k for k in update if k != "update_id")
