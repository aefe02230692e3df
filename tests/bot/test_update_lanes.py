"""Updates at work are inputs in flight: background work gives way to them."""

from __future__ import annotations

import asyncio

from bot.app.lanes import Lanes
from bot.telegram.ordering import PerChatUpdateProcessor


async def test_an_update_is_in_flight_while_it_is_handled_and_not_after() -> None:
    lanes = Lanes()
    processor = PerChatUpdateProcessor(lanes, urgent=lambda update: update == "/helpnow")
    seen: list[int] = []

    async def handling() -> None:
        seen.append(lanes.in_flight)

    await processor.do_process_update("an answer", handling())
    await processor.do_process_update("/helpnow", handling())
    assert seen == [1, 1]
    assert lanes.in_flight == 0


async def test_a_background_step_waits_for_the_update_at_work() -> None:
    lanes = Lanes(max_wait=3600.0)
    processor = PerChatUpdateProcessor(lanes)
    order: list[str] = []
    reply = asyncio.Event()

    async def handling() -> None:
        await reply.wait()
        order.append("replied")

    async def background_step() -> None:
        await lanes.give_way()
        order.append("background")

    update = asyncio.create_task(processor.do_process_update("an answer", handling()))
    await asyncio.sleep(0)  # the update is at work
    step = asyncio.create_task(background_step())
    await asyncio.sleep(0)
    reply.set()
    await asyncio.gather(update, step)
    assert order == ["replied", "background"]
