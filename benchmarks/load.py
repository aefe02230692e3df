"""The load side of `benchmarks.bot`: a timed emulator, simulated children, bot processes.

The emulator runs in the benchmark's own process, so every figure about a bot comes from the
bot's process alone: its CPU time and RSS are read from /proc.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.emulator import BotApiEmulator, EmulatorState
from bot.emulator.models import JSON, SentMessage
from bot.emulator.state import Chat

# A deadline for one reply, not a pause: a busy 2-core machine can be slow.
REPLY_SECONDS = 120.0
# The Bot API calls that draw on Telegram's message budget (about 30 a second per bot).
MESSAGE_CALLS = frozenset(
    {"send_message", "edit_message_text", "edit_message_reply_markup", "delete_message"}
)
THANKS = "Thank you for telling us"
WORDS = (
    "I like my room and the food is nice",
    "school is ok but maths is hard",
    "I want to see my brother more often",
    "football on saturdays with my friends",
    "not really",
    "I would like more pocket money",
)


@dataclass(frozen=True)
class Shown:
    """What a child sees of one bot message when it arrives (a send or an edit)."""

    message_id: int
    text: str
    buttons: tuple[tuple[str, str], ...]

    @property
    def asks(self) -> bool:
        """Tell whether the message waits for an answer: buttons, or a typed answer."""
        return bool(self.buttons) or "Type your answer" in self.text

    def followed_by(self, shown: Shown) -> bool:
        """Tell whether `shown` asks the next thing after this question was answered.

        An edit that takes this question's buttons away only tidies it: not a new question.
        """
        tidied = shown.message_id == self.message_id and not shown.buttons
        return shown.asks and not tidied


class TimedState(EmulatorState):
    """The emulator's state, timing each update to the bot's first message in that chat."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.injected: dict[int, float] = {}
        self.latencies: list[float] = []
        self.inboxes: dict[int, asyncio.Queue[Shown]] = {}

    def push_update(self, kind: str, payload: JSON) -> int:
        self.injected[int(payload["from"]["id"])] = time.perf_counter()
        return super().push_update(kind, payload)

    def record_sent(self, chat: Chat, message: SentMessage) -> None:
        super().record_sent(chat, message)
        self._arrived(chat.id, message)

    def record_edit(self, chat: Chat, message: SentMessage) -> None:
        super().record_edit(chat, message)
        self._arrived(chat.id, message)

    def _arrived(self, chat_id: int, message: SentMessage) -> None:
        started = self.injected.pop(chat_id, None)
        if started is not None:
            self.latencies.append(time.perf_counter() - started)
        inbox = self.inboxes.get(chat_id)
        if inbox is not None:
            buttons = tuple((label, data or "") for label, data in message.buttons)
            inbox.put_nowait(Shown(message.message_id, message.text or "", buttons))

    def message_calls(self) -> Counter[str]:
        """Successful calls so far, by method."""
        return Counter({name: n for (name, status), n in self.calls.items() if status == 200})


def timed_emulator() -> tuple[BotApiEmulator, TimedState]:
    emulator = BotApiEmulator()
    state = TimedState(emulator.token)
    emulator.state = state
    return emulator, state


class Child:
    """One simulated child in a private chat: types, presses, and reads what comes back."""

    def __init__(
        self, emulator: BotApiEmulator, state: TimedState, user_id: int, pause: float = 0.0
    ) -> None:
        self.emulator = emulator
        self.user_id = user_id
        self.inbox: asyncio.Queue[Shown] = asyncio.Queue()
        state.inboxes[user_id] = self.inbox
        self.choices = random.Random(user_id)
        # Seconds a child takes to answer, on average (0: as fast as the replies come);
        # spread out, so that children who start together do not answer together.
        self.pause = pause
        self.pauses = random.Random(-user_id)
        self.updates = 0

    async def type(self, text: str) -> None:
        await self._think()
        self.updates += 1
        await self.emulator.send_text(self.user_id, text)

    async def press(self, message: Shown, label: str) -> None:
        await self._think()
        self.updates += 1
        data = next(data for text, data in message.buttons if label in text)
        await self.emulator.press_button(self.user_id, message.message_id, data)

    async def _think(self) -> None:
        if self.pause:
            await asyncio.sleep(self.pause * self.pauses.uniform(0.5, 1.5))

    async def read(self, wanted: Callable[[Shown], bool]) -> Shown:
        """The next message that `wanted` accepts; others are read past."""
        async with asyncio.timeout(REPLY_SECONDS):
            while True:
                shown = await self.inbox.get()
                if wanted(shown):
                    return shown


async def walk_my_say(child: Child, code: str) -> None:
    """Join with an invitation, then answer the whole pre-review flow and send it."""
    await child.type(f"/start {code}")
    await child.read(lambda shown: True)
    await child.type("/review")
    question = await child.read(lambda shown: shown.asks)
    while not any(label.startswith("Change") for label, _ in question.buttons):
        await answer(child, question)
        question = await child.read(question.followed_by)
    await child.press(question, "Send")
    await child.read(lambda shown: THANKS in shown.text)


async def answer(child: Child, question: Shown) -> None:
    """Type words, tick a box and press Done, or press one of the options."""
    if "Type your answer" in question.text:
        await child.type(child.choices.choice(WORDS))
        return
    options = [
        label for label, _ in question.buttons if not label.startswith(("⬅", "Skip", "Done"))
    ]
    if any(label.startswith("Done") for label, _ in question.buttons):
        await child.press(question, options[0])
        ticked = await child.read(question.followed_by)
        await child.press(ticked, "Done")
        return
    await child.press(question, child.choices.choice(options))


# The same mix of inputs as a child's walk through My Say's pre-review flow (t: typed,
# p: a button press): /start, /review, then each question, the summary's Send last.
ECHO_SCRIPT = "tt" + "ptptptpttpttt" + "pp" + "ppp" + "tp" + "p"


async def walk_echo(child: Child, code: str) -> None:
    """Send the echo bot the same mix of typed messages and button presses."""
    last: Shown | None = None
    for kind in ECHO_SCRIPT:
        if kind == "t" or last is None:
            await child.type(child.choices.choice(WORDS) if last else f"/start {code}")
        else:
            await child.press(last, "Again")
        last = await child.read(lambda shown: shown.asks)


async def start_review(child: Child) -> None:
    """Start a conversation (a child already linked) and wait for its first question."""
    await child.type("/review")
    await child.read(lambda shown: shown.asks)


async def say_once(child: Child) -> None:
    """Send one message and wait for the answer (the echo bot's conversation in progress)."""
    await child.type("hello")
    await child.read(lambda shown: True)


class BotProcess:
    """A bot in its own process, its output in a log file; ready once it printed `markers`."""

    def __init__(
        self, args: list[str], env: dict[str, str], log: Path, markers: tuple[str, ...]
    ) -> None:
        self.args, self.env, self.log, self.markers = args, env, log, markers
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, seconds: float = 180.0) -> None:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: ASYNC220 - started once, not awaited
                self.args,
                env={**os.environ, **self.env},
                cwd=self.log.parent,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + seconds
        while not all(m in self.log.read_text(errors="replace") for m in self.markers):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.args[0]} did not start; see {self.log}")
            await asyncio.sleep(0.1)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def cpu_seconds(self) -> float:
        """User and system CPU time of the bot's process (all its threads)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def run_all(walks: list[Any], at_once: int) -> None:
    """Run the walks, at most `at_once` of them in progress."""
    gate = asyncio.Semaphore(at_once)

    async def gated(walk: Any) -> None:
        async with gate:
            await walk

    await asyncio.gather(*(gated(walk) for walk in walks))
