"""A person in a Telegram chat, driven through the Bot API emulator: type, press, read."""

from __future__ import annotations

from collections.abc import Callable

from bot.emulator import BotApiEmulator, SentMessage

# A deadline, not a wait: generous, because CI runs on a busy 2-core machine and a bot
# process loads its screening model on the first typed answer.
TIMEOUT = 30.0


class Person:
    """One Telegram user talking to the bot; reads the chat in order, like a person would."""

    def __init__(self, emulator: BotApiEmulator, user_id: int) -> None:
        self.emulator = emulator
        self.user_id = user_id
        self.last_with_buttons: SentMessage | None = None

    async def type(self, text: str) -> None:
        await self.emulator.send_text(self.user_id, text)

    async def read(self, predicate: Callable[[SentMessage], bool] | None = None) -> SentMessage:
        """The next message (or edit) the bot sent this person that matches."""
        message = await self.emulator.wait_for_message(self.user_id, predicate, TIMEOUT)
        if message.buttons:
            self.last_with_buttons = message
        return message

    async def read_until(self, text: str) -> SentMessage:
        return await self.read(lambda m: text in (m.text or ""))

    async def question(self) -> SentMessage:
        """The next message that waits for an answer (buttons or a typed answer).

        A pressed button's message is edited into what comes next, so an edit counts; an
        edit that only took buttons away does not.
        """
        return await self.read(
            lambda m: bool(m.buttons) or ("Type your answer" in m.text and not m.edited)
        )

    async def press(self, label: str, message: SentMessage | None = None) -> None:
        """Press the button whose label contains `label` on the message (default: latest)."""
        target = message or self.last_with_buttons
        assert target is not None, "no message with buttons yet"
        data = next((d for text, d in target.buttons if label in text), None)
        assert data is not None, f"no button {label!r} in {[t for t, _ in target.buttons]}"
        await self.emulator.press_button(self.user_id, target.message_id, data)

    async def transcript(self) -> list[SentMessage]:
        return await self.emulator.sent_messages(self.user_id)


def labels(message: SentMessage) -> list[str]:
    return [label for label, _ in message.buttons]


async def answer_until_summary(person: Person, first: SentMessage) -> SentMessage:
    """Answer every question: the first option, or typed words; return the summary."""
    message, typed = first, 0
    for _ in range(40):
        shown = labels(message)
        if any(label.startswith("Change") for label in shown):
            return message
        if "Type your answer" in message.text:
            typed += 1
            await person.type(f"typed answer {typed}")
        elif any("Done" in label for label in shown):
            await person.press(shown[0], message)
            await person.read(lambda m: m.edited)
            await person.press("Done", message)
        else:
            await person.press(shown[0], message)
        message = await person.question()
    raise AssertionError("the flow never reached its summary")


async def join(person: Person, code: str) -> SentMessage:
    await person.type(f"/start {code}")
    return await person.read()
