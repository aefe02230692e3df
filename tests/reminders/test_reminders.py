"""Reminders and digests worked out from the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from bot.app import admin, reminders
from bot.app.reminders import digest_text, offset_due, queue_due_reminders
from bot.bootstrap import Services, open_services
from bot.settings import Settings
from storage.repositories.reminders import ReminderQueries, WaitingReview
from tests.reminders.helpers import (
    CHILD_TG,
    IRO_TG,
    PARENT_TG,
    add_case,
    add_iro,
    add_run,
    link,
    london,
    queued,
    reminder_keys,
    seed_family,
    submit,
)
from tests.support import MutableClock

THURSDAY_10_DECEMBER = date(2026, 12, 10)


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(12, None), (11, None), (10, 10), (9, 10), (4, 10), (3, 3), (2, 3), (1, 3), (0, None)],
)
def test_the_most_recent_offset_reached_applies(days_left: int, expected: int | None) -> None:
    assert offset_due(days_left, (10, 3)) == expected


async def test_a_child_and_a_parent_get_one_reminder_at_each_offset(
    swept: Services, clock: MutableClock
) -> None:
    clock.now = london(2026, 11, 30, 9)
    family = await seed_family(swept, THURSDAY_10_DECEMBER)

    assert await queue_due_reminders(swept) == 2
    assert await queue_due_reminders(swept) == 0
    clock.now = london(2026, 12, 6, 9)
    assert await queue_due_reminders(swept) == 0
    clock.now = london(2026, 12, 7, 9)
    assert await queue_due_reminders(swept) == 2
    clock.now = london(2026, 12, 9, 9)
    assert await queue_due_reminders(swept) == 0

    messages = await queued(swept)
    assert [(m.chat_id, m.purpose) for m in messages] == [
        (CHILD_TG, "reminder"),
        (PARENT_TG, "reminder"),
    ] * 2
    assert messages[0].text == (
        "Hi! Your review is on Thursday 10 December. If you'd like your IRO to know what you "
        "think, type /review. You can stop any time."
    )
    assert messages[1].text.startswith("Hello. The meeting is on Thursday 10 December.")
    assert "/feedback" in messages[1].text
    assert all("C001" not in m.text for m in messages)
    assert await reminder_keys(swept) == sorted(
        f"review:{family.review_id}:participant:{pid}:days:{days}"
        for pid in (family.child_participant, family.parent_participant)
        for days in (10, 3)
    )


async def test_a_conference_is_called_a_meeting_and_tomorrow_is_said_so(
    swept: Services, clock: MutableClock
) -> None:
    clock.now = london(2026, 12, 9, 12)
    await add_iro(swept, "iro1", None)
    child_id, _ = await add_case(swept, "C001", THURSDAY_10_DECEMBER, kind="icpc")
    await link(swept, CHILD_TG, "child", child_id)

    assert await queue_due_reminders(swept) == 1
    [message] = await queued(swept)
    assert message.text.startswith("Hi! Your meeting is tomorrow, Thursday 10 December.")
    assert "conference" not in message.text


async def test_nothing_is_queued_in_quiet_hours_and_the_morning_catches_up(
    swept: Services, clock: MutableClock
) -> None:
    clock.now = london(2026, 11, 30, 21)
    await seed_family(swept, THURSDAY_10_DECEMBER)

    assert await queue_due_reminders(swept) == 0
    clock.now = london(2026, 11, 30, 22, 30)
    assert await queue_due_reminders(swept) == 0
    clock.now = london(2026, 12, 1, 7, 59)
    assert await queue_due_reminders(swept) == 0
    assert await queued(swept) == []
    clock.now = london(2026, 12, 1, 8, 0)
    assert await queue_due_reminders(swept) == 2


async def test_quiet_hours_follow_british_summer_time_and_greenwich_mean_time(
    swept: Services, clock: MutableClock
) -> None:
    # Clocks go back from BST to GMT at 02:00 on Sunday 25 October 2026.
    clock.now = london(2026, 10, 20, 7, 59)
    await seed_family(swept, date(2026, 10, 30))
    assert clock.now.utcoffset() == timedelta(hours=1)

    assert await queue_due_reminders(swept) == 0
    clock.now = london(2026, 10, 20, 8, 0)  # 07:00 UTC
    assert await queue_due_reminders(swept) == 2
    clock.now = london(2026, 10, 27, 7, 30)  # 07:30 UTC, quiet now that London is on GMT
    assert await queue_due_reminders(swept) == 0
    clock.now = london(2026, 10, 27, 8, 0)  # 08:00 UTC
    assert await queue_due_reminders(swept) == 2
    assert len(await queued(swept, "reminder")) == 4


async def test_nobody_is_reminded_once_their_views_or_feedback_were_sent(
    swept: Services, clock: MutableClock
) -> None:
    clock.now = london(2026, 11, 30, 9)
    family = await seed_family(swept, THURSDAY_10_DECEMBER)
    await add_run(
        swept, family.child_participant, family.review_id, "child_before_review", "submitted"
    )
    parents_run = await add_run(
        swept, family.parent_participant, family.review_id, "parent_feedback", "waiting"
    )

    assert await queue_due_reminders(swept) == 1
    assert [m.chat_id for m in await queued(swept)] == [PARENT_TG]

    await submit(swept, parents_run)
    clock.now = london(2026, 12, 7, 9)
    assert await queue_due_reminders(swept) == 0


async def test_a_missed_offset_is_sent_late_but_only_the_most_recent(
    swept: Services, clock: MutableClock
) -> None:
    clock.now = london(2026, 12, 8, 10)  # two days left: the 10-day reminder was missed
    family = await seed_family(swept, THURSDAY_10_DECEMBER)

    assert await queue_due_reminders(swept) == 2
    assert await reminder_keys(swept) == sorted(
        f"review:{family.review_id}:participant:{pid}:days:3"
        for pid in (family.child_participant, family.parent_participant)
    )
    clock.now = london(2026, 12, 9, 10)
    assert await queue_due_reminders(swept) == 0


async def test_reviews_today_past_or_already_held_get_no_reminder(
    swept: Services, clock: MutableClock
) -> None:
    clock.now = london(2026, 11, 30, 9)
    await add_iro(swept, "iro1", None)
    for case_ref, due, held in [
        ("C001", date(2026, 11, 30), None),
        ("C002", date(2026, 11, 27), None),
        ("C003", date(2026, 12, 2), date(2026, 11, 28)),
        ("C004", date(2026, 12, 20), None),
    ]:
        child_id, _ = await add_case(swept, case_ref, due, held=held)
        await link(swept, CHILD_TG + child_id, "child", child_id)

    assert await queue_due_reminders(swept) == 0


async def test_unlinked_accounts_and_iros_without_telegram_get_nothing(
    swept: Services, clock: MutableClock
) -> None:
    clock.now = london(2026, 11, 30, 9)
    await add_iro(swept, "iro1", None)
    await add_case(swept, "C001", date(2026, 12, 3))
    other_child, _ = await add_case(swept, "C002", date(2027, 3, 1))
    await link(swept, CHILD_TG, "child", other_child)
    await link(swept, PARENT_TG, "staff", None)

    assert await queue_due_reminders(swept) == 0
    assert await queued(swept) == []


async def test_a_restart_on_the_same_database_sends_nothing_twice(
    settings: Settings, clock: MutableClock
) -> None:
    clock.now = london(2026, 12, 5, 9)
    async with open_services(settings, clock=clock) as first:
        await seed_family(first, THURSDAY_10_DECEMBER, IRO_TG)
        assert await queue_due_reminders(first) == 3  # two reminders and the IRO's digest

    async with open_services(settings, clock=clock) as restarted:
        assert await queue_due_reminders(restarted) == 0
        assert len(await queued(restarted)) == 3


async def test_two_workers_sweeping_at_once_queue_each_message_once(
    settings: Settings, clock: MutableClock
) -> None:
    clock.now = london(2026, 12, 5, 9)
    async with (
        open_services(settings, clock=clock) as one,
        open_services(settings, clock=clock) as two,
    ):
        await seed_family(one, THURSDAY_10_DECEMBER, IRO_TG)
        counts = await asyncio.gather(queue_due_reminders(one), queue_due_reminders(two))
        assert sum(counts) == 3
        assert sorted(m.chat_id for m in await queued(two)) == [CHILD_TG, PARENT_TG, IRO_TG]


async def test_two_workers_sweeping_many_pages_queue_every_reminder_exactly_once(
    settings: Settings, clock: MutableClock
) -> None:
    clock.now = london(2026, 12, 5, 9)
    children = reminders.PAGE_SIZE * 2 + 37  # several pages, the last one short
    async with (
        open_services(settings, clock=clock) as one,
        open_services(settings, clock=clock) as two,
    ):
        await add_iro(one, "iro1", IRO_TG)
        for n in range(children):
            child_id, _ = await add_case(one, f"C{n:04d}", THURSDAY_10_DECEMBER)
            await link(one, 10_000 + n, "child", child_id)
        counts = await asyncio.gather(queue_due_reminders(one), queue_due_reminders(two))
        assert sum(counts) == children + 1  # every child's reminder and the IRO's digest
        chats = [m.chat_id for m in await queued(two)]
    assert sorted(chats) == sorted([IRO_TG, *(10_000 + n for n in range(children))])


async def test_a_worker_that_read_before_another_committed_backs_off_on_the_unique_key(
    swept: Services, clock: MutableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.now = london(2026, 12, 5, 9)
    await seed_family(swept, THURSDAY_10_DECEMBER, IRO_TG)
    assert await queue_due_reminders(swept) == 3

    reads: list[int] = []
    real_read = ReminderQueries.sent_among

    async def read_before_the_other_commit(self: ReminderQueries, keys: list[str]) -> set[str]:
        # As if the first read happened just before another worker committed these keys.
        reads.append(len(keys))
        return set() if len(reads) == 1 else await real_read(self, keys)

    monkeypatch.setattr(ReminderQueries, "sent_among", read_before_the_other_commit)
    assert await queue_due_reminders(swept) == 0
    assert len(await queued(swept)) == 3
    assert len(reads) >= 2  # the refused page was read again


async def test_each_iro_gets_one_digest_a_day_of_next_weeks_reviews_without_views(
    swept: Services, clock: MutableClock
) -> None:
    clock.now = london(2026, 11, 30, 8)
    await add_iro(swept, "iro1", IRO_TG)
    await add_iro(swept, "iro2", IRO_TG + 2)
    await add_iro(swept, "iro3", None)
    async with swept.uow() as uow:
        await admin.add_staff(uow, "boss", "boss", "manager", 3001, clock.now)
        await uow.commit()
    joined, _ = await add_case(swept, "C001", date(2026, 12, 3))
    await link(swept, CHILD_TG, "child", joined)
    await add_case(swept, "C002", date(2026, 12, 7), kind="icpc")
    answered, answered_review = await add_case(swept, "C003", date(2026, 12, 5))
    views_by = await link(swept, CHILD_TG + 2, "child", answered)
    await add_run(swept, views_by, answered_review, "child_before_review", "submitted")
    await add_case(swept, "C004", date(2026, 12, 8))
    await add_case(swept, "C005", date(2026, 12, 2), held=date(2026, 11, 29))
    await add_case(swept, "C010", date(2026, 12, 2), iro="iro2")
    await add_case(swept, "C020", date(2026, 12, 2), iro="iro3")

    await queue_due_reminders(swept)
    digests = await queued(swept, "digest")
    assert [d.chat_id for d in digests] == [IRO_TG, IRO_TG + 2]
    assert digests[0].text == (
        "Good morning. Your reviews in the next 7 days with no views from the child yet:\n\n"
        "• Thu 3 Dec: C001, looked-after review, child is on My Say\n"
        "• Mon 7 Dec: C002, initial conference, child has not joined My Say\n\n"
        "/invite CASE_REF child makes a joining link."
    )
    assert "C010" in digests[1].text and "C001" not in digests[1].text

    clock.now = london(2026, 11, 30, 15)
    await queue_due_reminders(swept)
    clock.now = london(2026, 12, 1, 7, 59)
    await queue_due_reminders(swept)
    assert len(await queued(swept, "digest")) == 2
    clock.now = london(2026, 12, 1, 8)
    await queue_due_reminders(swept)
    assert len(await queued(swept, "digest")) == 4


def test_a_long_digest_gives_a_count_and_the_first_few() -> None:
    waiting = [
        WaitingReview(1, n, date(2026, 12, 1), "rcpc", f"CASE-{n:05d}-LONG-REFERENCE", False)
        for n in range(100)
    ]
    text = digest_text(waiting)
    assert text.count("•") == reminders.DIGEST_MAX_LINES
    assert "You have 100 reviews in the next 7 days" in text
    assert f"…and {100 - reminders.DIGEST_MAX_LINES} more: /upcoming lists them all." in text
    assert len(text) < 1500
