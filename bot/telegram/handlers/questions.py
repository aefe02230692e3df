"""Which message shows each run's current question, so a copy asked again loses its buttons.

An answered question keeps its buttons: pressed later, they answer as stale, and taking them
away would cost a Bot API call for every typed answer (a pressed one's message already
turns into what comes next). A refused answer asks the question again below, and only the
newest copy keeps buttons. The message id exists only once Telegram has the message, after
the answer was committed, so the adapter notes it in its own table (`telegram_prompt`).

Noting it in a transaction of its own after every reply cost each answer a second
transaction. So the note is held here until the chat's next input, which writes it in its
own transaction (`held_for`); a clean stop writes every note still held (`write_held`).
A process that dies loses only its held notes: a question asked again after that keeps its
old copy's buttons too, both answering for the same step.
"""

from __future__ import annotations

import logging

from bot.app.ports import RunNote, UnitOfWork
from bot.app.replies import Outcome
from bot.bootstrap import Services
from conversations.events import Rejected
from storage.uow import UnitOfWork as StorageUnitOfWork

logger = logging.getLogger(__name__)
# Notes held at most: past this, all are written in one transaction, so chats that never
# write again cannot make the bot's memory grow without end.
MAX_HELD = 10_000


class QuestionNotes:
    """The message showing each chat's current question, held until it can be written."""

    def __init__(self, services: Services, most: int = MAX_HELD) -> None:
        self._services = services
        self._most = most
        # chat id -> (run id, message id): noted after a reply, not yet written.
        self._held: dict[int, tuple[int, int]] = {}

    def held_for(self, chat_id: int) -> RunNote | None:
        """What the chat's next input writes in its own transaction: the note held for it,
        if its run is the one the input is for (another run's question is gone)."""
        held = self._held.get(chat_id)
        if held is None:
            return None

        async def write(uow: UnitOfWork, run_id: int) -> None:
            # The bot's use cases run on storage's unit of work, which has this adapter's table.
            assert isinstance(uow, StorageUnitOfWork)
            if self._held.get(chat_id) == held:
                del self._held[chat_id]
            if run_id == held[0]:
                await uow.telegram_prompts.note(*held)

        return write

    async def replace(
        self, chat_id: int, outcome: Outcome, shown: int | None, answered: int | None
    ) -> int | None:
        """Note `shown` as the message with the run's question; give the one to tidy, if any.

        `answered` is the message a button was pressed on, which shows what came next now.
        """
        asked_again = outcome.tidy and any(isinstance(event, Rejected) for event in outcome.events)
        if outcome.run_id is None or (shown is None and not asked_again):
            return None
        if not asked_again:
            assert shown is not None
            self._held[chat_id] = (outcome.run_id, shown)
            if len(self._held) >= self._most:
                await self.write_held()
            return None
        # Only a question asked again needs the copy before, read in a transaction of its own.
        held = self._held.pop(chat_id, None)
        async with self._services.uow() as uow:
            if held is not None and held[0] == outcome.run_id:
                await uow.telegram_prompts.note(*held)
            before = await uow.telegram_prompts.replace(outcome.run_id, shown)
            await uow.commit()
        return before if before not in (answered, shown) else None

    async def write_held(self) -> None:
        """Write every note still held, in one transaction (the bot is stopping, or holds
        too many)."""
        if not self._held:
            return
        held, self._held = self._held, {}
        try:
            async with self._services.uow() as uow:
                await uow.telegram_prompts.note_all(dict(held.values()))
                await uow.commit()
        except Exception:
            # Only buttons left on an old copy of a question are at stake, never an answer.
            logger.warning("could not note %d questions' messages on stopping", len(held))
