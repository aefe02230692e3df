"""The outbox: failures rescheduled, never dropped; nudges wait for the morning."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.app.conversation import Conversations, Purpose
from bot.app.joining import JoinResult, redeem
from bot.app.lanes import Lanes
from bot.app.outbox import deliver_alerts, deliver_due
from bot.app.ports import DeliveryFailed, Outgoing, UpdateKey
from bot.app.run_store import RunStore
from bot.app.safeguarding import working_days_after
from bot.bootstrap import Services, open_services
from bot.settings import Settings
from conversations.events import Choose
from conversations.flow_versions import load_library
from conversations.safeguarding import assess
from tests.e2e.conftest import CHILD_ID, seed_case
from tests.support import MutableClock, eventually, issue_invitation

LATE_EVENING = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)  # 22:30 in London (GMT)


class Recorder:
    """A sender that fails a given number of times before it accepts."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.sent: list[tuple[int, str]] = []

    async def __call__(self, message: Outgoing) -> None:
        if self.failures:
            self.failures -= 1
            raise DeliveryFailed("server error")
        self.sent.append((message.chat_id, message.text))


async def test_a_failed_message_is_retried_until_it_goes(settings: Settings) -> None:
    clock = MutableClock()
    async with open_services(settings, clock=clock) as services:
        async with services.uow() as uow:
            uow.outbox.add(42, "flag_alert", "alert", clock())
            await uow.commit()
        send = Recorder(failures=2)
        for _ in range(3):
            await deliver_due(services, send)
            clock.advance(minutes=5)
        assert send.sent == [(42, "alert")]
        await deliver_due(services, send)
        assert send.sent == [(42, "alert")]  # sent once, not again


async def test_reminders_wait_for_morning_but_alerts_do_not(settings: Settings) -> None:
    clock = MutableClock(LATE_EVENING)
    async with open_services(settings, clock=clock) as services:
        async with services.uow() as uow:
            uow.outbox.add(1, "reminder", "Your review is soon", clock())
            uow.outbox.add(2, "flag_alert", "Safeguarding alert", clock())
            await uow.commit()
        send = Recorder()
        await deliver_due(services, send)
        assert send.sent == [(2, "Safeguarding alert")]
        clock.now = datetime(2026, 12, 1, 7, 59, tzinfo=UTC)
        await deliver_due(services, send)
        assert [chat for chat, _ in send.sent] == [2]
        clock.now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
        await deliver_due(services, send)
        assert [chat for chat, _ in send.sent] == [2, 1]


REMINDERS = 40
# Longer than any test: giving way ends because the input finished, never by timing out.
NEVER = 3600.0


async def _child_mid_review(services: Services) -> Conversations:
    await seed_case(services)
    code = await issue_invitation(services, "C001", "child")
    assert (await redeem(services, CHILD_ID, code, UpdateKey(1))).result is JoinResult.joined
    conversations = Conversations(
        services, load_library(), assess, RunStore(lambda text: (), services.clock)
    )
    assert (await conversations.begin(CHILD_ID, UpdateKey(2), Purpose.review)).run_id
    return conversations


async def _queue_reminders(services: Services) -> None:
    async with services.uow() as uow:
        for chat in range(REMINDERS):
            uow.outbox.add(1000 + chat, "reminder", "Your review is soon", services.clock())
        await uow.commit()


class PurposeRecorder:
    """A sender that records the purpose of each message it takes."""

    def __init__(self) -> None:
        self.purposes: list[str] = []

    async def __call__(self, message: Outgoing) -> None:
        self.purposes.append(message.purpose)


async def _reminders_queued_before_an_alert(services: Services) -> PurposeRecorder:
    services.lanes = Lanes(max_wait=NEVER)
    await _queue_reminders(services)
    async with services.uow() as uow:
        uow.outbox.add(42, "flag_alert", "Safeguarding alert", services.clock())
        await uow.commit()
    return PurposeRecorder()


async def test_a_sweep_sends_nothing_while_a_childs_answer_is_in_flight(
    settings: Settings,
) -> None:
    """The answer's writes and reply are never queued behind the sweep's writes and sends."""
    async with open_services(settings, clock=MutableClock()) as services:
        services.lanes = Lanes(max_wait=NEVER)
        conversations = await _child_mid_review(services)
        await _queue_reminders(services)
        log: list[str] = []
        answering: list[asyncio.Task[None]] = []

        async def child_answers() -> None:
            async with services.lanes.interactive():
                log.append("answer received")
                outcome = await conversations.act(CHILD_ID, UpdateKey(3), Choose("ok"))
                assert outcome.events
                log.append("answer replied")

        async def send(message: Outgoing) -> None:
            log.append("reminder")
            if not answering:  # the child answers while the sweep is under way
                answering.append(asyncio.create_task(child_answers()))

        report = await deliver_due(services, send)
        await answering[0]
        assert report.sent == REMINDERS
        received = log.index("answer received")
        assert log[received : received + 2] == ["answer received", "answer replied"]
        assert log.count("reminder") == REMINDERS


async def test_alerts_go_at_once_while_inputs_are_in_flight(settings: Settings) -> None:
    async with open_services(settings, clock=MutableClock()) as services:
        send = await _reminders_queued_before_an_alert(services)
        sent = send.purposes

        async with services.lanes.interactive():
            assert (await deliver_alerts(services, send)).sent == 1
            assert sent == ["flag_alert"]  # alone, and without waiting for the input
            sweep = asyncio.create_task(deliver_due(services, send))
            for _ in range(20):  # loop turns for the sweep to (wrongly) send a reminder
                await asyncio.sleep(0)
            assert sent == ["flag_alert"]
        assert (await sweep).sent == REMINDERS
        assert sent == ["flag_alert"] + ["reminder"] * REMINDERS


async def test_a_sweep_sends_alerts_before_anything_queued_earlier(settings: Settings) -> None:
    async with open_services(settings, clock=MutableClock()) as services:
        send = await _reminders_queued_before_an_alert(services)
        sent = send.purposes

        input_done = asyncio.Event()

        async def input_in_flight() -> None:
            async with services.lanes.interactive():
                await input_done.wait()

        held = asyncio.create_task(input_in_flight())
        sweep = asyncio.create_task(deliver_due(services, send))

        async def alert_sent() -> bool:
            return bool(sent)

        assert await eventually(alert_sent)  # though the input is still in flight
        assert sent == ["flag_alert"]
        input_done.set()
        await asyncio.gather(held, sweep)
        assert sent == ["flag_alert"] + ["reminder"] * REMINDERS


def test_a_concern_is_due_two_working_days_later() -> None:
    friday = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    assert working_days_after(friday, 2) == datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert working_days_after(monday, 2) == datetime(2026, 12, 9, 9, 0, tzinfo=UTC)
