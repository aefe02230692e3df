"""The Telegram adapter's own bookkeeping: which message shows each run's current question."""

from __future__ import annotations

from functools import cache

from sqlalchemy import delete, select

from storage.models import Run, TelegramPrompt
from storage.repositories.base import Repository, Upsert, insert_into, table_of


class TelegramPromptRepository(Repository):
    async def note(self, run_id: int, message_id: int) -> None:
        """Note the message now showing the run's question, in one statement.

        Most answers never need the message noted before (only a question asked again
        takes its old copy's buttons away), so nothing is read first.
        """
        values = {"run_id": run_id, "message_id": message_id}
        await self.session.execute(_note(self.on_postgres), values)

    async def note_all(self, message_ids: dict[int, int]) -> None:
        """Note the message showing each run's question (run id -> message id), for the runs
        that still exist (one erased since has nothing to note)."""
        existing = select(Run.id).where(Run.id.in_(message_ids))
        values = [
            {"run_id": run_id, "message_id": message_ids[run_id]}
            for run_id in await self.session.scalars(existing)
        ]
        if values:
            await self.session.execute(_note(self.on_postgres), values)

    async def replace(self, run_id: int, message_id: int | None) -> int | None:
        """Note the message now showing the run's question (None: no message does); give
        the one noted before, if any."""
        before = await self.session.scalar(
            select(TelegramPrompt.message_id).where(TelegramPrompt.run_id == run_id)
        )
        if message_id is not None:
            await self.note(run_id, message_id)
        elif before is not None:
            gone = delete(TelegramPrompt).where(TelegramPrompt.run_id == run_id)
            await self.session.execute(gone)
        return before


@cache
def _note(postgres: bool) -> Upsert:
    """Built once per database kind (most answers run it); the values come as parameters.

    A note never goes back to an older message: Telegram numbers a chat's messages in
    order, and a note held by one worker may be written after another worker noted a newer
    message for the same run (`bot.telegram.handlers.questions`).
    """
    table = table_of(TelegramPrompt)
    insert = insert_into(table, postgres)
    return insert.on_conflict_do_update(
        index_elements=["run_id"],
        set_={"message_id": insert.excluded.message_id},
        where=table.c.message_id < insert.excluded.message_id,
    )
