"""Use cases run on the in-memory unit of work: fast, and blind to Telegram and SQL.

The same use cases run against SQLite and PostgreSQL in tests/bot and tests/e2e; here the
rules themselves are checked (who sees which flag, what is audited, what is retried).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import flags
from bot.app.outbox import deliver_due
from bot.app.ports import DeliveryFailed, Outgoing
from bot.app.safeguarding import raise_flag
from bot.app.staff_access import NotAllowed, NotStaff
from conversations.safeguarding import Assessment, Level, ScreeningContext
from storage.models import Child, Participant, Staff
from tests.app.fakes import FIXED_NOW, FakeServices

IRO_CHAT, OTHER_IRO_CHAT, MANAGER_CHAT, CHILD_CHAT = 101, 102, 103, 201


@pytest.fixture
def services(tmp_path: Path) -> FakeServices:
    fake = FakeServices(tmp_path)
    memory = fake.memory
    iro = memory.add(Staff(username="iro", name="I", role="iro", telegram_id=IRO_CHAT))
    memory.add(Staff(username="iro2", name="J", role="iro", telegram_id=OTHER_IRO_CHAT))
    memory.add(Staff(username="boss", name="M", role="manager", telegram_id=MANAGER_CHAT))
    child = memory.add(Child(case_ref="C001", iro_id=iro.id, birth_date=None))
    memory.add(Participant(telegram_id=CHILD_CHAT, role="child", child_id=child.id))
    return fake


def always(level: Level) -> object:
    def screen(text: str, context: ScreeningContext) -> Assessment:
        return Assessment(level, ("physical_abuse",), ("rule:hit",))

    return screen


async def _raise(services: FakeServices, level: Level, update_id: int = 7) -> None:
    async with services.uow() as uow:
        participant = services.memory.all(Participant)[0]
        await raise_flag(
            uow,
            always(level),  # type: ignore[arg-type]
            participant,
            await uow.children.get(participant.child_id),
            None,
            "words only the IRO may open",
            services.clock(),
            escalate_minutes=60,
            zone=services.settings.zone,
            update_id=update_id,
            question="How are things at home?",
        )
        await uow.commit()


async def test_an_urgent_flag_alerts_the_iro_and_managers_without_the_words(
    services: FakeServices,
) -> None:
    await _raise(services, Level.URGENT)
    async with services.uow() as uow:
        alerts = uow.outbox.unsent()
        texts = [uow.outbox.text(m) for m in alerts]
    assert sorted(m.chat_id for m in alerts) == [IRO_CHAT, MANAGER_CHAT]
    assert all(m.flag_id is not None for m in alerts)
    assert not any("words only the IRO may open" in text for text in texts)
    assert all("How are things at home?" in text for text in texts)


async def test_the_same_update_screened_again_raises_no_second_flag(
    services: FakeServices,
) -> None:
    await _raise(services, Level.URGENT, update_id=7)
    await _raise(services, Level.URGENT, update_id=7)
    async with services.uow() as uow:
        assert len(await uow.flags.unresolved(None)) == 1


async def test_nothing_is_flagged_when_screening_finds_nothing(services: FakeServices) -> None:
    await _raise(services, Level.NONE)
    async with services.uow() as uow:
        assert await uow.flags.unresolved(None) == []
        assert uow.outbox.unsent() == []


async def test_an_iro_sees_only_their_own_childrens_flags(services: FakeServices) -> None:
    await _raise(services, Level.CONCERN)
    own = await flags.open_flags(services, IRO_CHAT)
    assert [line.case_ref for line in own] == ["C001"]
    assert [line.case_ref for line in await flags.open_flags(services, MANAGER_CHAT)] == ["C001"]
    assert await flags.open_flags(services, OTHER_IRO_CHAT) == []
    with pytest.raises(NotAllowed):
        await flags.read_flag(services, OTHER_IRO_CHAT, own[0].flag_id)
    with pytest.raises(NotStaff):
        await flags.open_flags(services, CHILD_CHAT)


async def test_reading_acknowledging_and_closing_a_flag_are_audited(
    services: FakeServices,
) -> None:
    await _raise(services, Level.URGENT)
    flag_id = (await flags.open_flags(services, IRO_CHAT))[0].flag_id
    words = await flags.read_flag(services, IRO_CHAT, flag_id)
    assert words.text == "words only the IRO may open"
    assert (await flags.acknowledge(services, IRO_CHAT, flag_id)).status == "acknowledged"
    closed = await flags.close(services, IRO_CHAT, flag_id, "spoke to the child and carer")
    assert closed.status == "closed"
    async with services.uow() as uow:
        flag = await uow.flags.get(flag_id)
        assert flag is not None and uow.flags.close_note(flag) == "spoke to the child and carer"
        assert uow.audit.actions() == [
            "flag_raised",
            "flag_words_read",
            "flag_acknowledged",
            "flag_closed",
        ]
    assert await flags.open_flags(services, IRO_CHAT) == []


async def test_leaving_without_commit_keeps_nothing(services: FakeServices) -> None:
    async with services.uow() as uow:
        uow.outbox.add(IRO_CHAT, "digest", "not committed", services.clock())
        services.memory.all(Staff)[0].name = "changed"
    async with services.uow() as uow:
        assert uow.outbox.unsent() == []
        assert (await uow.staff.get(services.memory.all(Staff)[0].id)).name == "I"


class Channel:
    """A sender that refuses the first `failures` messages, as a channel under strain does."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.sent: list[Outgoing] = []

    async def __call__(self, message: Outgoing) -> None:
        if self.failures:
            self.failures -= 1
            raise DeliveryFailed("rate limited", retry_after=30)
        self.sent.append(message)


async def test_an_alert_the_channel_refuses_is_retried_when_it_asked(
    services: FakeServices,
) -> None:
    await _raise(services, Level.URGENT)
    channel = Channel(failures=2)
    first = await deliver_due(services, channel)
    assert (first.sent, first.deferred) == (0, 2)
    assert (await deliver_due(services, channel)).sent == 0  # not yet: it asked for 30 s
    services.now = FIXED_NOW + timedelta(seconds=31)
    assert (await deliver_due(services, channel)).sent == 2
    assert {m.chat_id for m in channel.sent} == {IRO_CHAT, MANAGER_CHAT}
    assert all(m.purpose == "flag_alert" and m.flag_id for m in channel.sent)
