"""Running the bot: long polling until SIGINT or SIGTERM, with a clean stop."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from telegram import Update

from bot.bootstrap import build_core, open_services
from bot.settings import Settings, SettingsError
from bot.telegram.application import PTBApplication, announce_commands, build_application

logger = logging.getLogger(__name__)


# Libraries whose DEBUG lines carry what people typed, names, invitation codes or the bot
# token (PTB logs request parameters and raw updates, the drivers log statements and their
# values). They never log below INFO, whatever level the operator asks for.
CHATTY_LIBRARIES = ("telegram", "httpcore", "aiosqlite", "asyncpg", "aiohttp")
# Libraries whose INFO lines are noise or worse, kept to warnings: SQLAlchemy logs every
# statement with its values at INFO; httpx logs request URLs, and Bot API URLs hold the
# token; the scheduler logs every job run (every 5 s), and jobs that did something log it
# themselves; Alembic logs two lines of detail at every start.
QUIET_LIBRARIES = {
    "sqlalchemy": logging.WARNING,
    "httpx": logging.WARNING,
    "apscheduler": logging.WARNING,
    "alembic": logging.WARNING,
}


def configure_logging(level: int = logging.INFO) -> None:
    """Log at `level`, but never below INFO for libraries that would log people's words."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    for name, least in QUIET_LIBRARIES.items():
        logging.getLogger(name).setLevel(max(level, least))


def require_token(settings: Settings) -> None:
    if not settings.telegram_token:
        raise SettingsError(
            "setting MYSAY_TELEGRAM_TOKEN is missing: get a token from @BotFather and set it "
            "in the environment or .env (or try My Say without one: `mysay try`)"
        )


async def until_stopped() -> None:
    """Wait for SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def start_polling(application: PTBApplication, *, long_poll_seconds: int = 25) -> None:
    """Start an initialised application on long polling, with the newcomers' menu set."""
    await announce_commands(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(
        allowed_updates=Update.ALL_TYPES, timeout=long_poll_seconds, poll_interval=0
    )


async def poll(
    settings: Settings, *, stopped: Callable[[], Awaitable[None]] = until_stopped
) -> None:
    """Run the bot with long polling until `stopped` returns."""
    # Listen for the stop signal before saying we are ready, so no SIGTERM is missed.
    waiting = asyncio.ensure_future(stopped())
    await asyncio.sleep(0)
    try:
        async with open_services(settings) as services:
            application = build_application(build_core(services))
            async with application:
                await start_polling(application)
                logger.info("My Say is ready: polling as @%s", application.bot.username)
                try:
                    await waiting
                finally:
                    logger.info("My Say is stopping")
                    if application.updater is not None:
                        await application.updater.stop()
                    await application.stop()
    finally:
        waiting.cancel()
