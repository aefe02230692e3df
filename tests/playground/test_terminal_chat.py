"""The playground's chat loop, driven with a hand-written fake backend and scripted lines."""

from __future__ import annotations

from collections.abc import Iterable

from bot.emulator import SentMessage
from bot.playground.chat import Persona, TerminalChat, banner

CHILD, IRO = Persona("child", 1, "the child"), Persona("iro", 3, "the IRO")


def _message(chat_id: int, message_id: int, text: str, *labels: str) -> SentMessage:
    rows = [[{"text": label, "callback_data": f"data:{label}"}] for label in labels]
    markup = {"inline_keyboard": rows} if labels else None
    return SentMessage(chat_id, message_id, 0, text=text, reply_markup=markup)


class FakeBackend:
    """Records what the chat did; answers each action with the messages queued for it."""

    def __init__(self) -> None:
        self.inbox: dict[int, list[SentMessage]] = {CHILD.user_id: [], IRO.user_id: []}
        self.replies: list[list[SentMessage]] = []
        self.actions: list[tuple[object, ...]] = []

    def deliver(self, messages: Iterable[SentMessage]) -> None:
        for message in messages:
            self.inbox[message.chat_id].append(message)

    async def send_text(self, user_id: int, text: str) -> None:
        self.actions.append(("text", user_id, text))
        self.deliver(self.replies.pop(0) if self.replies else [])

    async def press_button(self, user_id: int, message_id: int, callback_data: str) -> None:
        self.actions.append(("press", user_id, message_id, callback_data))
        self.deliver(self.replies.pop(0) if self.replies else [])

    async def unread(self, user_id: int) -> list[SentMessage]:
        messages, self.inbox[user_id] = self.inbox[user_id], []
        return messages

    def waiting(self, user_id: int) -> int:
        return len(self.inbox[user_id])


async def _chat(backend: FakeBackend, lines: list[str]) -> str:
    output: list[str] = []
    remaining = list(lines)

    async def read_line() -> str | None:
        return remaining.pop(0) if remaining else None

    await TerminalChat(backend, [CHILD, IRO], read_line, output.append).run()
    return "".join(output)


async def test_a_number_presses_that_button_on_the_latest_message_with_buttons() -> None:
    backend = FakeBackend()
    backend.deliver([_message(1, 5, "How do you feel?", "Happy", "Sad")])
    backend.replies = [[_message(1, 5, "How do you feel?\n\n✓ Sad")]]

    output = await _chat(backend, ["2", "/quit"])

    assert backend.actions == [("press", 1, 5, "data:Sad")]
    assert "  │ How do you feel?\n    [1] Happy\n    [2] Sad\n" in output
    assert "  │ ✓ Sad\n" in output  # an answered question shows only what was added


async def test_text_commands_and_numbers_with_no_such_button_go_to_the_bot_as_text() -> None:
    backend = FakeBackend()
    backend.deliver([_message(1, 5, "Pick one", "Yes")])

    await _chat(backend, ["/review", "7", "", "   "])

    assert backend.actions == [("text", 1, "/review"), ("text", 1, "7")]


async def test_switching_shows_what_the_other_persona_was_sent_since_they_last_looked() -> None:
    backend = FakeBackend()
    backend.replies = [[_message(1, 6, "Thank you"), _message(3, 2, "Safeguarding alert")]]

    output = await _chat(backend, ["Send", "/switch iro", "/switch iro", "/switch nobody"])

    assert "(1 new for iro: /switch iro to read)" in output
    after_switch = output.split("You are now the IRO", 1)[1]
    assert after_switch.index("Safeguarding alert") < after_switch.index("(nothing new)")
    assert "Say who to play: /switch child|iro" in output
    assert output.endswith("iro> \n")  # the end of input ends the chat on a fresh line


async def test_a_redrawn_question_is_shown_again_with_its_new_buttons() -> None:
    backend = FakeBackend()
    backend.deliver([_message(1, 5, "Who?", "[ ] Carer", "Done")])
    backend.replies = [[_message(1, 5, "Who?", "✅ Carer", "Done")]]

    output = await _chat(backend, ["1", "2"])

    assert "  │ (updated)\n  │ Who?\n    [1] ✅ Carer\n    [2] Done\n" in output
    assert backend.actions[-1] == ("press", 1, 5, "data:Done")


def test_the_banner_names_every_persona_and_command() -> None:
    text = banner([CHILD, IRO])

    assert "/switch child|iro" in text and "/quit" in text and "a number" in text
