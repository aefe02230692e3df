"""`mysay try`: the real bot and a local Bot API emulator, with demo people, in a terminal.

Everything runs in one process on 127.0.0.1: the emulator stands in for Telegram, the bot
long-polls it as in production, and `bot.playground.chat.TerminalChat` lets one person play
a demo child, their parent or their IRO. Demo data lives in its own SQLite file in the data
folder, so it never mixes with a real database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

from aiohttp import web
from alembic import command
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bot.app import admin
from bot.app.ports import UnitOfWork
from bot.app.web_access import issue_sign_in_link_for, sign_in_link
from bot.app.web_chat import browser_link
from bot.bootstrap import Core, Services, build_core, open_services
from bot.emulator import BotApiEmulator, SentMessage
from bot.playground.chat import Persona, ReadLine, TerminalChat, Write, banner
from bot.settings import Settings
from bot.telegram.application import PTBApplication, build_application
from bot.telegram.handlers.context import bot_deps
from bot.telegram.runtime import start_polling
from bot.web.server import start_workspace
from storage.crypto import cipher_from_settings
from storage.database import alembic_config

logger = logging.getLogger(__name__)

DEMO_CASE = "DEMO-001"
# A younger child who has no Telegram (its terms need 16 in the UK): they use the web chat.
BROWSER_CASE, BROWSER_AGE = "DEMO-002", 9
DEMO_IRO, DEMO_MANAGER = "demo_iro", "demo_manager"
PERSONAS = (
    Persona("child", 7001, f"the child (case {DEMO_CASE}, aged 13)"),
    Persona("parent", 7002, f"the child's parent (case {DEMO_CASE})"),
    Persona("iro", 7003, f"the IRO ({DEMO_IRO}), who chairs the child's reviews"),
)
MANAGER_ID = 7004  # linked so safeguarding alerts reach a manager too; not played
HANDLED_TIMEOUT_SECONDS = 30.0


def playground_settings(settings: Settings) -> Settings:
    """Use a demo SQLite file in the data folder, whatever database is configured."""
    path = Path(settings.data_dir) / "playground.db"
    return settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{path}"})


def log_to_file(data_dir: Path) -> Path:
    """Send logs to a file, so the terminal shows only the chat."""
    path = Path(data_dir) / "playground.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=path,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return path


def prepare_database(settings: Settings) -> None:
    """Create or update the demo schema; call it outside any event loop (Alembic runs one)."""
    cipher = cipher_from_settings(settings.data_key, settings.data_dir)
    command.upgrade(alembic_config(settings.effective_database_url, cipher), "head")


class HandledUpdates:
    """Which updates the bot has finished with, so replies are shown only once complete."""

    def __init__(self) -> None:
        self._done: set[int] = set()
        self._changed = asyncio.Condition()

    async def note(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Record that the handlers before this one are done with the update."""
        if isinstance(update, Update):
            async with self._changed:
                self._done.add(update.update_id)
                self._changed.notify_all()

    async def wait(self, update_id: int) -> bool:
        """Wait until the bot is done with an update; False if it takes too long."""
        async with self._changed:
            try:
                async with asyncio.timeout(HANDLED_TIMEOUT_SECONDS):
                    await self._changed.wait_for(lambda: update_id in self._done)
            except TimeoutError:
                return False
        self._done.discard(update_id)
        return True


class EmulatorBackend:
    """The chat's view of the emulator: act as a user, then read that user's new messages."""

    def __init__(self, emulator: BotApiEmulator, handled: HandledUpdates, write: Write) -> None:
        self.emulator = emulator
        self.handled = handled
        self.write = write

    async def send_text(self, user_id: int, text: str) -> None:
        """Send a text (or command) as the user and wait for the bot to finish with it."""
        await self._settle(await self.emulator.send_text(user_id, text))

    async def press_button(self, user_id: int, message_id: int, callback_data: str) -> None:
        """Press a button as the user and wait for the bot to finish with it."""
        await self._settle(await self.emulator.press_button(user_id, message_id, callback_data))

    async def _settle(self, update_id: int) -> None:
        if not await self.handled.wait(update_id):
            self.write("  (the bot has not answered yet; its replies will show up later)\n")

    async def unread(self, user_id: int) -> list[SentMessage]:
        """Give the sends and edits this user has not seen yet, oldest first."""
        messages = []
        while (message := await self.emulator.next_message(user_id, 0)) is not None:
            messages.append(message)
        return messages

    def waiting(self, user_id: int) -> int:
        """Count the sends and edits waiting for this user."""
        chat = self.emulator.state.chats.get(user_id)
        return len(chat.events) - chat.cursor if chat is not None else 0


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


async def seed_demo(services: Services) -> list[tuple[int, str]]:
    """Add the demo people and meetings if missing; give (telegram id, invitation) pairs."""
    now, today = services.clock(), services.today().date()
    days = services.settings.invitation_days
    async with services.uow() as uow:
        for username, name, role in (
            (DEMO_IRO, "Sam Patel", "iro"),
            (DEMO_MANAGER, "Demo Manager", "manager"),
        ):
            if await uow.staff.by_username(username) is None:
                await admin.add_staff(uow, username, name, role, None, now)
        await uow.flush()
        for case_ref, age in ((DEMO_CASE, 13), (BROWSER_CASE, BROWSER_AGE)):
            await _seed_child(uow, case_ref, age, now, today)
        child_id, parent_id, iro_id = (persona.user_id for persona in PERSONAS)
        issued = [
            (child_id, await admin.invite_participant(uow, now, days, DEMO_CASE, "child")),
            (parent_id, await admin.invite_participant(uow, now, days, DEMO_CASE, "parent")),
            (iro_id, await admin.invite_staff(uow, now, days, DEMO_IRO)),
            (MANAGER_ID, await admin.invite_staff(uow, now, days, DEMO_MANAGER)),
        ]
        await uow.commit()
    return [(user_id, invitation.code) for user_id, invitation in issued]


async def _seed_child(
    uow: UnitOfWork, case_ref: str, age: int, now: datetime, today: date
) -> None:
    """Add a demo child with a review next week and one held three months ago, if missing."""
    child = await uow.children.by_case_ref(case_ref)
    if child is None:
        birth = _years_before(today, age) - timedelta(days=120)
        child = await admin.add_child(uow, case_ref, now, birth_date=birth, iro_username=DEMO_IRO)
        await uow.flush()
    if await uow.reviews.next_for_child(child.id, today) is None:
        await admin.add_review(uow, case_ref, "cla_review", today + timedelta(7), None, now)
    if await uow.reviews.latest_held(child.id) is None:
        held = today - timedelta(days=91)
        await admin.add_review(uow, case_ref, "cla_review", held, held, now)


async def browser_invitation(services: Services) -> str:
    """A new invitation for the browser child (each run's link replaces the last one's)."""
    async with services.uow() as uow:
        issued = await admin.invite_participant(
            uow, services.clock(), services.settings.invitation_days, BROWSER_CASE, "child"
        )
        await uow.commit()
    return issued.code


async def play(settings: Settings, read_line: ReadLine, write: Write) -> None:
    """Start the emulator and the bot, link the demo people, and chat until the person leaves."""
    # Number updates on from the last session's, or the bot would drop them as already seen.
    async with open_services(settings) as services, services.uow() as uow:
        first_update_id = await uow.updates.latest() + 1
    async with BotApiEmulator(
        bot_username="mysay_playground_bot", first_update_id=first_update_id
    ) as emulator:
        for persona in PERSONAS:
            emulator.state.register_user(persona.user_id, first_name=persona.key.title())
        bot_settings = settings.model_copy(
            update={"telegram_token": emulator.token, "telegram_api_url": emulator.base_url}
        )
        async with open_services(bot_settings) as services:
            core = build_core(services)
            application = build_application(core)
            handled = HandledUpdates()
            # A later group runs after the bot's own handlers are done with each update.
            application.add_handler(TypeHandler(Update, handled.note), group=1)
            async with application:
                # Short long polls: stopping waits for the one in flight.
                await start_polling(application, long_poll_seconds=1)
                workspace = await _open_web(core, bot_settings, application, write)
                try:
                    backend = EmulatorBackend(emulator, handled, write)
                    for user_id, code in await seed_demo(services):
                        await backend.send_text(user_id, f"/start {code}")
                    write(banner(PERSONAS))
                    if workspace is not None:
                        write(await _web_words(services, workspace[1]))
                    await TerminalChat(backend, PERSONAS, read_line, write).run()
                finally:
                    if workspace is not None:
                        await workspace[0].cleanup()
                    if application.updater is not None:
                        await application.updater.stop()
                    await application.stop()


async def _open_web(
    core: Core, settings: Settings, application: PTBApplication, write: Write
) -> tuple[web.AppRunner, str] | None:
    """The staff workspace and the children's web chat beside the bot.

    What their pages queue (a read receipt, an alert) shows in this chat at once.
    """
    try:
        return await start_workspace(
            core.services, settings, bot_deps(application).deliver_now, chat=core
        )
    except OSError as error:
        write(f"(The web pages could not start on port {settings.web_port}: {error}.)\n")
        return None


async def _web_words(services: Services, base: str) -> str:
    """Where to open the workspace and the web chat, with a one-time link for each."""
    token = await issue_sign_in_link_for(services, DEMO_IRO)
    code = await browser_invitation(services)
    return (
        "The staff web workspace is open too. Sign in as the demo IRO (the link works once,\n"
        f"for 10 minutes; as the IRO, /web gives a new one):\n  {sign_in_link(base, token)}\n"
        f"A younger child ({BROWSER_CASE}, aged {BROWSER_AGE}) uses the web chat instead of "
        f"Telegram:\n  {browser_link(base, code)}\n\n"
    )


class StdinLines:
    """Lines from standard input, read in a daemon thread so a pending read never blocks exit."""

    def __init__(self) -> None:
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        threading.Thread(target=self._read, args=(loop,), daemon=True).start()

    def _read(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            for line in sys.stdin:
                loop.call_soon_threadsafe(self._lines.put_nowait, line.rstrip("\r\n"))
            loop.call_soon_threadsafe(self._lines.put_nowait, None)
        except RuntimeError:
            return  # the loop has closed: nobody is listening any more

    async def read_line(self) -> str | None:
        """Give the next line, or None at the end of input."""
        return await self._lines.get()


def write_stdout(text: str) -> None:
    """Write to the terminal at once (prompts have no newline to flush them)."""
    sys.stdout.write(text)
    sys.stdout.flush()


async def run_playground(settings: Settings) -> None:
    """Play in this terminal until /quit, end of input, Ctrl+C or SIGTERM."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        playing = asyncio.create_task(play(settings, StdinLines().read_line, write_stdout))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({playing, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not playing.done():
            write_stdout("\n")
            playing.cancel()  # unwinds through play's cleanup: bot first, then emulator
        with contextlib.suppress(asyncio.CancelledError):
            await playing
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
