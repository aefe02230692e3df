"""The playground's terminal chat: one person plays the child, the parent or the IRO.

`TerminalChat` is only loop logic: it reads lines through `read_line`, writes through `write`
and talks to the bot through a `ChatBackend`, so a test can drive it with plain fakes. The
backend is what knows about the emulator and the running bot (see `bot.playground.terminal`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.emulator import SentMessage

ReadLine = Callable[[], Awaitable[str | None]]  # None at the end of input
Write = Callable[[str], None]  # writes exactly what it is given


@dataclass(frozen=True)
class Persona:
    """Someone the person at the keyboard can play, with their Telegram user id."""

    key: str
    user_id: int
    title: str


class ChatBackend(Protocol):
    """What the chat needs from the bot side; each action returns once the bot is done."""

    async def send_text(self, user_id: int, text: str) -> None: ...

    async def press_button(self, user_id: int, message_id: int, callback_data: str) -> None: ...

    async def unread(self, user_id: int) -> list[SentMessage]: ...

    def waiting(self, user_id: int) -> int: ...


def banner(personas: Sequence[Persona]) -> str:
    """Explain the playground and its few commands."""
    names = "|".join(persona.key for persona in personas)
    return (
        "\n"
        "  My Say playground: a pretend Telegram on this computer, with demo people.\n"
        "  Nothing is sent to Telegram, and you need no bot token.\n"
        "\n"
        "  type anything      send it to the bot as the person you are playing\n"
        "                     (bot commands too: /review, /feedback, /help, /helpnow)\n"
        "  a number           press that button on the latest message with buttons\n"
        f"  /switch {names}\n"
        "                     play someone else, and see what they were sent\n"
        "  /quit              leave (Ctrl+D and Ctrl+C work too)\n"
        "\n"
    )


class TerminalChat:
    """Show each persona the bot's messages; turn typed lines into texts and button presses."""

    def __init__(
        self,
        backend: ChatBackend,
        personas: Sequence[Persona],
        read_line: ReadLine,
        write: Write,
        *,
        start: str | None = None,
    ) -> None:
        self.backend = backend
        self.personas = {persona.key: persona for persona in personas}
        self.current = self.personas[start] if start else personas[0]
        self.read_line = read_line
        self.write = write
        self._shown: dict[tuple[int, int], str] = {}  # what each message said when last shown
        self._buttons: dict[int, SentMessage] = {}  # each persona's latest message with buttons
        self._hinted: dict[int, int] = {}  # unread counts already mentioned, so hints don't nag

    async def run(self) -> None:
        """Show the current persona's chat, then act on lines until /quit or the end of input."""
        self.write(f"You are {self.current.title}.\n")
        await self._show_unread(say_if_none=False)
        while True:
            self.write(f"{self.current.key}> ")
            line = await self.read_line()
            if line is None:
                self.write("\n")
                return
            line = line.strip()
            if line == "/quit":
                return
            if line:
                await self._act(line)

    async def _act(self, line: str) -> None:
        if line.split()[0] == "/switch":
            self._switch(line.split()[1:])
        else:
            button = self._button(line)
            user_id = self.current.user_id
            if button is not None:
                await self.backend.press_button(user_id, *button)
            else:
                await self.backend.send_text(user_id, line)
        await self._show_unread(say_if_none=line.startswith("/switch"))
        self._hint_others()

    def _switch(self, args: list[str]) -> None:
        persona = self.personas.get(args[0]) if len(args) == 1 else None
        if persona is None:
            self.write(f"  Say who to play: /switch {'|'.join(self.personas)}\n")
            return
        self.current = persona
        self.write(f"\n── You are now {persona.title}. ──\n")

    def _button(self, line: str) -> tuple[int, str] | None:
        """Give (message id, data) for a button number; None means send the line as text."""
        message = self._buttons.get(self.current.user_id)
        if message is None or not line.isdigit():
            return None
        number = int(line)
        if not 1 <= number <= len(message.buttons):
            return None
        data = message.buttons[number - 1][1]
        return (message.message_id, data) if data is not None else None

    async def _show_unread(self, *, say_if_none: bool) -> None:
        user_id = self.current.user_id
        messages = await self.backend.unread(user_id)
        self._hinted[user_id] = 0
        if not messages and say_if_none:
            self.write("  (nothing new)\n")
        for message in messages:
            self.write(self._render(user_id, message))

    def _render(self, user_id: int, message: SentMessage) -> str:
        key = (user_id, message.message_id)
        text = message.text or message.caption or ""
        text += "".join(f"\n📎 {document.file_name}" for document in message.documents)
        before = self._shown.get(key)
        self._shown[key] = text
        latest = self._buttons.get(user_id)
        if message.buttons and (latest is None or message.message_id >= latest.message_id):
            self._buttons[user_id] = message
        elif latest is not None and latest.message_id == message.message_id:
            del self._buttons[user_id]  # its buttons were taken away
        if before is not None and not message.buttons and text.startswith(before):
            # An answered question gains a "✓ choice" line; show just what was added.
            added = text[len(before) :].strip()
            return _indent(added) if added else ""
        if before is None:
            return "\n" + _indent(text) + _numbered(message)
        return _indent("(updated)\n" + text) + _numbered(message)

    def _hint_others(self) -> None:
        for persona in self.personas.values():
            if persona is self.current:
                continue
            count = self.backend.waiting(persona.user_id)
            if count and count != self._hinted.get(persona.user_id):
                self._hinted[persona.user_id] = count
                self.write(f"  ({count} new for {persona.key}: /switch {persona.key} to read)\n")


def _indent(text: str) -> str:
    lines = text.splitlines() or [""]
    return "".join(f"  │ {line}\n" if line else "  │\n" for line in lines)


def _numbered(message: SentMessage) -> str:
    return "".join(
        f"    [{number}] {label}\n" for number, (label, _) in enumerate(message.buttons, start=1)
    )
