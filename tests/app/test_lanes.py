"""Background work gives way to inputs in flight, but never waits for ever."""

from __future__ import annotations

import asyncio

from bot.app.lanes import Lanes

# Far longer than any test: a step that returns did so because the inputs finished.
NEVER = 3600.0
# Loop turns a waiting step is given to (wrongly) go ahead; no time passes.
TURNS = 20


async def _turns() -> None:
    for _ in range(TURNS):
        await asyncio.sleep(0)


async def test_background_goes_at_once_when_no_input_is_in_flight() -> None:
    lanes = Lanes(max_wait=NEVER)
    await asyncio.wait_for(lanes.give_way(), NEVER)
    assert lanes.in_flight == 0


async def test_background_waits_until_every_input_in_flight_is_done() -> None:
    lanes = Lanes(max_wait=NEVER)
    order: list[str] = []

    async def background_step() -> None:
        await lanes.give_way()
        order.append("background")

    first_done, second_done = asyncio.Event(), asyncio.Event()

    async def one_input(name: str, done: asyncio.Event) -> None:
        async with lanes.interactive():
            await done.wait()
            order.append(name)

    inputs = [
        asyncio.create_task(one_input("first input", first_done)),
        asyncio.create_task(one_input("second input", second_done)),
    ]
    await _turns()
    step = asyncio.create_task(background_step())
    await _turns()
    first_done.set()
    await _turns()
    assert order == ["first input"]  # one input still in flight: still waiting
    second_done.set()
    await asyncio.gather(step, *inputs)
    assert order == ["first input", "second input", "background"]
    assert lanes.in_flight == 0


async def test_background_is_never_starved_by_inputs_that_never_stop() -> None:
    lanes = Lanes(max_wait=0.01)
    endless = asyncio.Event()

    async def endless_input() -> None:
        async with lanes.interactive():
            await endless.wait()

    held = asyncio.create_task(endless_input())
    await _turns()
    await asyncio.wait_for(lanes.give_way(), NEVER)  # came back though the input goes on
    assert lanes.in_flight == 1
    endless.set()
    await held


async def test_an_input_that_fails_is_no_longer_in_flight() -> None:
    lanes = Lanes(max_wait=NEVER)
    try:
        async with lanes.interactive():
            raise RuntimeError("the input failed")
    except RuntimeError:
        pass
    assert lanes.in_flight == 0
    await asyncio.wait_for(lanes.give_way(), NEVER)
