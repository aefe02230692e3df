"""The message budget: shared by chats, urgent messages first, a 429 held by its own chat."""

from __future__ import annotations

import asyncio

from bot.telegram.limiter import Budget


async def test_an_urgent_message_goes_ahead_of_every_message_already_waiting() -> None:
    budget = Budget(per_second=10)
    for _ in range(10):
        await budget.take()  # the second's burst is spent
    served: list[str] = []

    async def take(name: str, *, urgent: bool = False) -> None:
        await budget.take(urgent=urgent)
        served.append(name)

    waiting = [asyncio.create_task(take(f"ordinary {n}")) for n in range(3)]
    await asyncio.sleep(0)  # they queue first
    await take("urgent", urgent=True)
    await asyncio.gather(*waiting)
    assert served == ["urgent", "ordinary 0", "ordinary 1", "ordinary 2"]


async def test_no_budget_means_no_waiting() -> None:
    budget = Budget(per_second=0)
    async with asyncio.timeout(5):
        for _ in range(10_000):
            await budget.take()
