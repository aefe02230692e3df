"""The python-telegram-bot Application: handlers per audience, jobs, and error handling."""

from __future__ import annotations

import asyncio
import gc
import logging
import time as clock
from collections.abc import Awaitable, Callable
from datetime import time
from typing import Any, TypeVar

from telegram import BotCommandScopeAllPrivateChats, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.app import texts
from bot.app.housekeeping import prune_old_records
from bot.app.outbox import DeliveryReport, deliver_alerts, deliver_due
from bot.app.ports import DeliveryFailed, Outgoing, Send
from bot.app.reminders import queue_due_reminders
from bot.app.requests import escalate_unseen
from bot.app.retention import enforce_retention
from bot.app.safeguarding import escalate_overdue
from bot.bootstrap import Core
from bot.telegram.aiohttp_request import AiohttpRequest
from bot.telegram.callbacks import (
    FlagButton,
    LanguageButton,
    RequestButton,
    RunButton,
    flag_actions,
    parse,
)
from bot.telegram.commands import COMMANDS
from bot.telegram.handlers import fallbacks, languages, participants, staff
from bot.telegram.handlers.context import BotDeps, deps, install
from bot.telegram.handlers.context import bot_deps as deps_of
from bot.telegram.handlers.outage import hold_for_later, replay_spool
from bot.telegram.handlers.questions import QuestionNotes
from bot.telegram.handlers.sending import keyboard, say, with_retries
from bot.telegram.limiter import ChatRateLimiter, retry_seconds
from bot.telegram.ordering import PerChatUpdateProcessor
from bot.telegram.spool import UpdateSpool
from conversations.safeguarding import default_screener

logger = logging.getLogger(__name__)

OUTBOX_SWEEP_SECONDS = 5
ESCALATION_SWEEP_SECONDS = 60
REMINDER_SWEEP_SECONDS = 300
# Updates kept while the database was down are tried again this often.
SPOOL_REPLAY_SECONDS = 5
# Pruning old rows matters over days, not minutes; the first run waits until start-up is over.
HOUSEKEEPING_SWEEP_SECONDS = 6 * 3600
HOUSEKEEPING_FIRST_SECONDS = 120
# Retention deletes what is past its keeping period once a day, at a quiet local hour.
RETENTION_AT = time(3, 30)

PTBApplication = Application[Any, Any, Any, Any, Any, Any]
T = TypeVar("T")


class MySayApplication(PTBApplication):
    """PTB's Application, which writes the question notes it still holds as it shuts down.

    Every way the bot stops (polling, the webhook, the playground, the tests) shuts the
    Application down, after its updates are done and while the database is still open.
    """

    async def shutdown(self) -> None:
        if not self.running:
            await deps_of(self).notes.write_held()
        await super().shutdown()


def build_application(core: Core, *, polling: bool = True) -> PTBApplication:
    """Build the bot on the application core; the Bot API URL and token come from settings."""
    services = core.services
    settings = services.settings
    builder = (
        ApplicationBuilder()
        .application_class(MySayApplication)
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_api_url.replace("/bot", "/file/bot"))
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connections=1))
        .rate_limiter(ChatRateLimiter(settings.telegram_messages_per_second))
        # Chats at once, each chat's updates in order (see DESIGN principle 1).
        .concurrent_updates(PerChatUpdateProcessor(services.lanes, urgent=asks_for_help_now))
        .post_init(announce_commands)
    )
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    bot_deps = BotDeps(
        core.services,
        core.flows,
        core.conversations,
        core.store,
        COMMANDS,
        QuestionNotes(services),
    )

    send = _sender(application)

    async def sweep() -> DeliveryReport:
        return await deliver_due(services, send)

    async def alerts() -> DeliveryReport:
        return await deliver_alerts(services, send)

    bot_deps.deliver_outbox = drain = one_at_a_time(sweep)
    bot_deps.deliver_alerts = one_at_a_time(alerts)
    unowned: set[asyncio.Task[DeliveryReport]] = set()

    def start_delivery() -> None:
        if application.running:
            # PTB awaits the tasks it made when it stops, and hands their failures to
            # `apologise`.
            application.create_task(drain())
            return
        # Updates handled without starting the application (the tests do): held here so
        # the task is not collected before it ends.
        task = asyncio.ensure_future(drain())
        unowned.add(task)
        task.add_done_callback(unowned.discard)

    bot_deps.start_delivery = start_delivery
    bot_deps.spool = UpdateSpool(services.settings.data_dir, services.cipher)
    install(application, bot_deps)
    _add_handlers(application)
    if application.job_queue is not None:
        # Never skipped as "missed": on a busy machine start-up can take longer than the
        # scheduler's default grace of a second, and screening would load on a child's answer.
        application.job_queue.run_once(_load_screening, 0, job_kwargs={"misfire_grace_time": None})
        application.job_queue.run_repeating(_sweep_outbox, OUTBOX_SWEEP_SECONDS, first=1)
        application.job_queue.run_repeating(_escalate, ESCALATION_SWEEP_SECONDS, first=5)
        application.job_queue.run_repeating(_remind, REMINDER_SWEEP_SECONDS, first=10)
        application.job_queue.run_repeating(replay_spool, SPOOL_REPLAY_SECONDS, first=1)
        application.job_queue.run_repeating(
            _tidy_up, HOUSEKEEPING_SWEEP_SECONDS, first=HOUSEKEEPING_FIRST_SECONDS
        )
        application.job_queue.run_daily(
            _enforce_retention, RETENTION_AT.replace(tzinfo=settings.zone), name="retention"
        )
    return application


def _add_handlers(application: PTBApplication) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handlers(COMMANDS.handlers())
    application.add_handler(CallbackQueryHandler(press_any_button))
    application.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, fallbacks.refuse_edit)
    )
    application.add_handler(
        MessageHandler(private & filters.COMMAND, fallbacks.refuse_unknown_command)
    )
    application.add_handler(
        MessageHandler(
            private & filters.TEXT & filters.UpdateType.MESSAGE, participants.answer_with_text
        )
    )
    application.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE, fallbacks.refuse_media)
    )
    application.add_error_handler(apologise)


def asks_for_help_now(update: object) -> bool:
    """Tell whether an update is /helpnow, which must never wait for a place."""
    message = update.effective_message if isinstance(update, Update) else None
    words = (message.text or "").split() if message is not None else []
    return bool(words) and words[0].split("@")[0].lower() == "/helpnow"


def one_at_a_time(deliver: Callable[[], Awaitable[T]]) -> Callable[[], Awaitable[T]]:
    """Run deliveries one at a time; callers who arrive during one share the next.

    Every chat's handler drains the outbox after an alert or a sent run; with chats handled
    at once, hundreds of drains at the same moment only fought over the same rows.
    """
    lock = asyncio.Lock()
    waiting: list[asyncio.Future[T]] = []

    async def run() -> T:
        if waiting:
            return await asyncio.shield(waiting[0])
        shared: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        shared.add_done_callback(lambda done: done.cancelled() or done.exception())
        waiting.append(shared)
        async with lock:
            waiting.remove(shared)
            try:
                shared.set_result(await deliver())
            except Exception as error:
                shared.set_exception(error)
            finally:
                if not shared.done():
                    shared.cancel()  # cancelled mid-delivery: so are those sharing it
        return shared.result()

    return run


async def press_any_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a pressed button by what its data claims; anything unparseable is stale."""
    query = update.callback_query
    assert query is not None
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        # A button forwarded into a group must not post a child's words there.
        refusal = texts.message("refusal.group_chat")
        await with_retries(lambda: query.answer(refusal, show_alert=True))
        return
    button = parse(query.data)
    if isinstance(button, RunButton):
        await participants.press_button(update, context, button)
    elif isinstance(button, FlagButton):
        await staff.press_flag_button(update, context, button)
    elif isinstance(button, RequestButton):
        await staff.press_request_done(update, context, button)
    elif isinstance(button, LanguageButton):
        await languages.press_language(update, context, button)
    else:
        await fallbacks.refuse_stale_button(update, context)


async def apologise(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure by update id only (never the words) and say sorry to the person."""
    if isinstance(update, Update) and await hold_for_later(update, context):
        return
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, Forbidden):
        # They blocked the bot or never started it: there is nobody to answer, nothing lost.
        logger.info("update %s: Telegram refused to let us answer (%s)", update_id, "Forbidden")
        return
    logger.error(
        "update %s failed: %s", update_id, type(context.error).__name__, exc_info=context.error
    )
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await say(context.bot, update.effective_chat.id, texts.message("trouble.sorry"))
        except TelegramError:
            logger.warning("could not apologise for update %s", update_id)


def _sender(application: PTBApplication) -> Send:
    async def send(message: Outgoing) -> None:
        buttons = flag_actions(message.flag_id) if message.flag_id is not None else ()
        try:
            await application.bot.send_message(
                message.chat_id, message.text, reply_markup=keyboard(buttons)
            )
        except RetryAfter as error:
            raise DeliveryFailed("rate limited", retry_seconds(error)) from error
        except Forbidden as error:
            raise DeliveryFailed(f"forbidden: {error.message}") from error
        except TelegramError as error:
            raise DeliveryFailed(type(error).__name__) from error

    return send


async def _load_screening(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Load screening's rules and model beside the event loop, at start, then set aside
    everything made so far from the garbage collector's full passes.

    Loaded on the first typed answer instead, it held up every chat for a second or more.
    """
    started = clock.perf_counter()
    await asyncio.to_thread(default_screener)
    set_start_up_aside()
    logger.info("screening loaded in %.1f s", clock.perf_counter() - started)


def set_start_up_aside() -> None:
    """Keep what start-up made (modules, flows, screening: about 150,000 objects, all kept
    for good) out of the garbage collector's full passes. A full pass over them took about
    70 ms, which every update then in progress waited out: the bot's slowest replies."""
    gc.collect()
    gc.freeze()


async def _sweep_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    bot_deps = deps(context)
    if bot_deps.deliver_outbox is not None:
        await bot_deps.deliver_outbox()


async def _escalate(context: ContextTypes.DEFAULT_TYPE) -> None:
    services = deps(context).services
    async with services.uow() as uow:
        escalated = await escalate_overdue(uow, services.clock(), services.settings.zone)
        unseen = await escalate_unseen(uow, services.clock(), services.settings.zone)
        await uow.commit()
    if escalated:
        logger.warning("escalated %d unacknowledged urgent flag(s) to managers", escalated)
    if unseen:
        logger.info("told managers of %d child request(s) nobody has seen", unseen)
    if escalated or unseen:
        await deps(context).deliver_now()


async def _remind(context: ContextTypes.DEFAULT_TYPE) -> None:
    if await queue_due_reminders(deps(context).services):
        await _sweep_outbox(context)


async def _tidy_up(context: ContextTypes.DEFAULT_TYPE) -> None:
    await prune_old_records(deps(context).services)


async def _enforce_retention(context: ContextTypes.DEFAULT_TYPE) -> None:
    await enforce_retention(deps(context).services)


async def announce_commands(application: PTBApplication) -> None:
    """Show newcomers the menu for people not yet linked; each link gets its own menu."""
    await application.bot.set_my_commands(
        COMMANDS.menu(None), scope=BotCommandScopeAllPrivateChats()
    )
