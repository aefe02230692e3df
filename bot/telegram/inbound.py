"""The durable inbound queue: webhook updates stored first, then handled chat by chat.

Several `mysay serve` workers can stand behind one webhook URL. Whichever worker Telegram's
post reaches stores the update (`InboundQueue.receive`) and answers at once; the update is
then handled by whichever worker claims its chat (`storage.chat_claims`), through the
normal `Application.process_update`, oldest first, and marked handled. So:

- an update is handled once: its key (`bot.telegram.update_keys.key_of`) is the table's, so a
  redelivery is ignored, and only the worker holding the chat's claim handles it;
- one chat's updates keep their order: a chat is handled by one worker at a time, in
  update id order, while different chats are handled at once, by different workers;
- a worker killed at any moment loses nothing: what it stored waits in the table, and the
  chats it held are free again as soon as its database connection drops. An update it was
  in the middle of is handled again by the next worker, where the processed-update log
  keeps its answer from being recorded twice.

Each worker looks for waiting chats when it stores an update, when it finishes a chat, and
every `POLL_SECONDS` (for chats left behind by a worker that died, or stored by another).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Update

from bot.bootstrap import Services
from bot.telegram.application import PTBApplication
from bot.telegram.update_keys import key_of
from storage.chat_claims import claim_chat
from storage.database import is_unavailable
from storage.repositories import WaitingUpdate

logger = logging.getLogger(__name__)

# How often a worker looks for chats nobody is handling, when nothing wakes it sooner.
POLL_SECONDS = 1.0
# Chats one worker handles at once. SQLite takes one writer at a time, so one chat there.
CHATS_AT_ONCE = {"postgresql": 4, "sqlite": 1}
# Waiting chats read per look, and waiting updates read per chat at a time.
CHATS_PER_LOOK = 50
UPDATES_PER_READ = 20
# How long a stopping worker lets the updates in hand finish before abandoning them.
STOP_GRACE_SECONDS = 10.0


class InboundQueue:
    """Store webhook updates, and handle stored updates one chat at a time across workers."""

    def __init__(self, services: Services, application: PTBApplication) -> None:
        self._services = services
        self._application = application
        dialect = services.database.engine.dialect.name
        self._chats_at_once = CHATS_AT_ONCE.get(dialect, 1)
        self._wake = asyncio.Event()
        self._stopping = False
        self._active: dict[int, asyncio.Task[None]] = {}
        # Chats claimed by another worker, or that failed here: not tried again before then.
        self._not_before: dict[int, float] = {}
        self._dispatcher: asyncio.Task[None] | None = None
        self._database_down = False

    async def receive(self, update: Update, body: dict[str, Any]) -> None:
        """Store an update (a redelivered one is ignored) and look for work at once."""
        async with self._services.uow() as uow:
            stored = await uow.inbound.add(key_of(update), body, self._services.clock())
            await uow.commit()
        if stored:
            self._wake.set()

    def start(self) -> None:
        """Start handling stored updates in the background."""
        self._dispatcher = asyncio.create_task(self._dispatch(), name="inbound-dispatch")

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Take no new updates; let those in hand finish for up to `grace` seconds."""
        self._stopping = True
        self._wake.set()
        tasks = [task for task in (self._dispatcher, *self._active.values()) if task]
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=grace)
        for task in late:
            task.cancel()
        for task in late:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _dispatch(self) -> None:
        """Start a task for each waiting chat nobody here is handling, while there is room."""
        loop = asyncio.get_running_loop()
        while not self._stopping:
            self._wake.clear()
            chats = await self._waiting_chats()
            now = loop.time()
            self._not_before = {c: t for c, t in self._not_before.items() if t > now}
            for chat_id in chats:
                if len(self._active) >= self._chats_at_once:
                    break
                if chat_id not in self._active and chat_id not in self._not_before:
                    self._active[chat_id] = asyncio.create_task(self._run_chat(chat_id))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)

    async def _waiting_chats(self) -> list[int]:
        """The chats with updates waiting; none while the database is down (said once)."""
        try:
            async with self._services.uow() as uow:
                chats = await uow.inbound.waiting_chats(CHATS_PER_LOOK)
        except Exception as error:  # down, or worse: look again at the next poll
            if not self._database_down or not is_unavailable(error):
                _log_failure("looking for waiting updates", error)
            self._database_down = True
            return []
        if self._database_down:
            logger.info("the database answers again: handling stored updates")
            self._database_down = False
        return chats

    async def _run_chat(self, chat_id: int) -> None:
        """Drain one chat; if that could not be done now, try it again after a poll."""
        try:
            if not await self._drain(chat_id):
                self._later(chat_id)
        except Exception as error:  # whatever it was, the updates stay stored for a retry
            _log_failure("handling a chat's updates", error)
            self._later(chat_id)
        finally:
            del self._active[chat_id]
            # Look again: more may have come for this chat just as its claim was let go.
            self._wake.set()

    def _later(self, chat_id: int) -> None:
        self._not_before[chat_id] = asyncio.get_running_loop().time() + POLL_SECONDS

    async def _drain(self, chat_id: int) -> bool:
        """Handle a chat's waiting updates in order while holding its claim; False if the
        claim is held elsewhere or was lost."""
        async with claim_chat(self._services.database, chat_id) as claim:
            if not claim.held:
                return False
            while not self._stopping:
                async with self._services.uow() as uow:
                    waiting = await uow.inbound.waiting_in(chat_id, UPDATES_PER_READ)
                if not waiting:
                    return True
                for received in waiting:
                    if self._stopping:
                        return True
                    if not await claim.still_held():
                        return False
                    await self._handle(received)
        return True

    async def _handle(self, received: WaitingUpdate) -> None:
        update = Update.de_json(received.body, self._application.bot)
        # Straight to the Application, past its update processor: marked in flight here.
        async with self._services.lanes.interactive():
            await self._application.process_update(update)
        async with self._services.uow() as uow:
            await uow.inbound.mark_handled(received.key, self._services.clock())
            await uow.commit()


def _log_failure(doing: str, error: Exception) -> None:
    """Log a failure by its kind alone: an update's words must never reach the log."""
    if is_unavailable(error):
        logger.warning("%s: the database is unavailable (%s)", doing, type(error).__name__)
    else:
        logger.error("%s failed: %s", doing, type(error).__name__, exc_info=error)
