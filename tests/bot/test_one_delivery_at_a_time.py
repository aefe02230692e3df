"""Outbox drains asked for at the same moment run one at a time, and share the next run."""

from __future__ import annotations

import asyncio

from bot.telegram.application import one_at_a_time


async def test_callers_during_a_delivery_share_the_next_one() -> None:
    started: list[int] = []
    release = asyncio.Event()

    async def deliver() -> int:
        started.append(len(started))
        await release.wait()
        return len(started)

    drain = one_at_a_time(deliver)
    first = asyncio.create_task(drain())
    await asyncio.sleep(0)  # the first delivery is under way
    later = [asyncio.create_task(drain()) for _ in range(10)]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(first, *later)
    assert len(started) == 2  # one running, one shared by the ten who came during it
    assert results == [1] + [2] * 10


async def test_a_failed_delivery_fails_everyone_sharing_it() -> None:
    async def deliver() -> int:
        raise RuntimeError("telegram is down")

    drain = one_at_a_time(deliver)
    outcomes = await asyncio.gather(drain(), drain(), return_exceptions=True)
    assert all(isinstance(outcome, RuntimeError) for outcome in outcomes)
