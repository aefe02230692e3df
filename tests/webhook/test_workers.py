"""Three `mysay serve` workers on one PostgreSQL behind one webhook URL, one killed mid-load.

The emulator delivers every update to a round-robin proxy, so consecutive updates of a chat
land on different workers. Each simulated person sends a planned run of commands, each
answered with a message of its own, so the replies a chat receives show whether its updates
were handled in order, all of them, and once each.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bootstrap import Services
from bot.emulator import BotApiEmulator
from bot.telegram.inbound import CHATS_AT_ONCE
from tests.support import eventually
from tests.webhook.test_inbound_queue import REPLIES
from tests.webhook.workers import Worker, start_workers

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]

WORKERS = 3
PEOPLE = 24
COMMANDS_EACH = 12
# Each round, every person sends this many commands in a row, so each chat has updates
# waiting on every worker at once. A round is sent once the round before last is answered.
BURST = 3
ROUNDS = COMMANDS_EACH // BURST
# One worker is killed before this round is sent, while the rounds before are being handled.
KILL_BEFORE_ROUND = ROUNDS // 2
DEADLINE = 180.0


def plan(rng: random.Random, length: int) -> list[str]:
    """Commands in random order, never the same twice in a row (a swap would show)."""
    commands: list[str] = []
    while len(commands) < length:
        choice = rng.choice(sorted(REPLIES))
        if not commands or choice != commands[-1]:
            commands.append(choice)
    return commands


@pytest.fixture
def workers_down() -> Iterator[list[Worker]]:
    """Workers to stop at the end of the test, whatever happens."""
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


async def test_workers_handle_each_update_once_in_order_and_a_killed_one_loses_nothing(
    services: Services, emulator: BotApiEmulator, tmp_path: Path, workers_down: list[Worker]
) -> None:
    workers, proxy = await start_workers(WORKERS, services.settings, emulator, tmp_path)
    workers_down.extend(workers)
    try:
        assert emulator.state.webhook["url"] == proxy.url
        rng = random.Random(18)
        people = [600_000 + n for n in range(PEOPLE)]
        plans = {person: plan(rng, COMMANDS_EACH) for person in people}
        total = PEOPLE * COMMANDS_EACH

        def replies_so_far() -> int:
            return sum(len(emulator.state.transcript(person)) for person in people)

        victim = workers[1]
        for round_number in range(ROUNDS):

            async def caught_up(round_number: int = round_number) -> bool:
                return replies_so_far() >= (round_number - 1) * BURST * PEOPLE

            assert await eventually(caught_up, DEADLINE), _logs(workers)
            if round_number == KILL_BEFORE_ROUND:
                victim.kill()  # mid-load: updates are waiting, and more keep coming
            start = round_number * BURST
            for person in rng.sample(people, len(people)):
                for command in plans[person][start : start + BURST]:
                    await emulator.send_text(person, command)
        assert all(proxy.forwarded[worker.url] for worker in workers)

        async def all_handled() -> bool:
            if emulator.state.updates or replies_so_far() < total:
                return False
            async with services.uow() as uow:
                return await uow.inbound.waiting_chats(1) == []

        assert await eventually(all_handled, DEADLINE), _logs(workers)
    finally:
        await proxy.stop()

    assert emulator.state.webhook_errors == {}  # every post was answered 200
    repeated = {}
    for person in people:
        expected = [REPLIES[command] for command in plans[person]]
        got = [message.text for message in emulator.state.transcript(person)]
        if got != expected:
            repeated[person] = _repeated_in_place(expected, got)
    # Only an update the killed worker was in the middle of may be handled again, by the
    # worker that took its chat over: its reply then stands twice, in its place.
    assert all(at is not None for at in repeated.values()), repeated
    assert len(repeated) <= CHATS_AT_ONCE["postgresql"]
    assert [worker.stop() for worker in workers if worker is not victim] == [0, 0]


def _repeated_in_place(expected: list[str], got: list[str | None]) -> int | None:
    """The index of the one reply `got` has twice in a row where `expected` has it once."""
    for at in range(len(expected)):
        if got == [*expected[: at + 1], expected[at], *expected[at + 1 :]]:
            return at
    return None


def _logs(workers: list[Worker]) -> str:
    return "\n".join(f"--- {w.log}\n{w.log.read_text()[-3000:]}" for w in workers)
