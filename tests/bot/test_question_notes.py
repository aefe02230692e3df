"""The Telegram adapter's notes of which message shows each run's question: held after a
reply, written with the chat's next input, when too many are held, or on stopping."""

from __future__ import annotations

from sqlalchemy import select

from bot.app.replies import Outcome
from bot.bootstrap import Services
from bot.telegram.handlers.questions import QuestionNotes
from storage.models import TelegramPrompt
from tests.support import add_run


async def _runs(services: Services, count: int) -> list[int]:
    async with services.uow() as uow:
        runs = [await add_run(uow, telegram_id=100 + n) for n in range(count)]
        await uow.commit()
        return [run.id for run in runs]


async def _noted(services: Services) -> dict[int, int]:
    async with services.uow() as uow:
        rows = await uow.session.execute(select(TelegramPrompt.run_id, TelegramPrompt.message_id))
        return {run_id: message_id for run_id, message_id in rows}


def _asked(run_id: int) -> Outcome:
    """A reply showing the run's question (what it says does not matter here)."""
    return Outcome((), run_id)


async def test_notes_are_held_until_too_many_then_written_together(services: Services) -> None:
    first, second, third = await _runs(services, 3)
    notes = QuestionNotes(services, most=2)
    assert await notes.replace(1, _asked(first), shown=11, answered=None) is None
    assert await _noted(services) == {}
    await notes.replace(2, _asked(second), shown=12, answered=None)
    assert await _noted(services) == {first: 11, second: 12}
    await notes.replace(3, _asked(third), shown=13, answered=None)
    await notes.write_held()
    assert await _noted(services) == {first: 11, second: 12, third: 13}


async def test_a_held_note_is_written_only_for_the_run_the_next_input_is_for(
    services: Services,
) -> None:
    run, other = await _runs(services, 2)
    notes = QuestionNotes(services)
    await notes.replace(1, _asked(run), shown=21, answered=None)
    note = notes.held_for(1)
    assert note is not None and notes.held_for(2) is None
    async with services.uow() as uow:
        await note(uow, other)  # the chat's open run is another one now
        await uow.commit()
    assert await _noted(services) == {} and notes.held_for(1) is None
