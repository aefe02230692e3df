"""The outbox: failures rescheduled, never dropped; nudges wait for the morning."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app.outbox import deliver_due
from bot.app.ports import DeliveryFailed, Outgoing
from bot.app.safeguarding import working_days_after
from bot.bootstrap import open_services
from bot.settings import Settings
from tests.support import MutableClock

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


def test_a_concern_is_due_two_working_days_later() -> None:
    friday = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    assert working_days_after(friday, 2) == datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert working_days_after(monday, 2) == datetime(2026, 12, 9, 9, 0, tzinfo=UTC)
