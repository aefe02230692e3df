"""The Telegram adapter's own bookkeeping: which message shows each run's current question."""

from __future__ import annotations

from storage.models import TelegramPrompt
from storage.repositories.base import Repository


class TelegramPromptRepository(Repository):
    async def replace(self, run_id: int, message_id: int | None) -> int | None:
        """Note the message now showing the run's question (None: no message does); give
        the one noted before, if any."""
        noted = await self.session.get(TelegramPrompt, run_id)
        before = noted.message_id if noted is not None else None
        if message_id is None:
            if noted is not None:
                await self.session.delete(noted)
                await self.session.flush()
        elif noted is None:
            self.session.add(TelegramPrompt(run_id=run_id, message_id=message_id))
        else:
            noted.message_id = message_id
        return before
