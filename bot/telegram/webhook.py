"""Webhook mode: an aiohttp server Telegram posts updates to, running the bot beside it.

`create_web_app` builds the web application (routes, and the bot's start and stop in its
`cleanup_ctx`); `serve_webhook` is what `mysay serve` runs. Production puts a TLS-terminating
reverse proxy in front; this server listens on `listen_host:listen_port`. Each update is
stored before Telegram is answered and handled from the store (`bot.telegram.inbound`), so
several workers can share one webhook URL and one PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application
from yarl import URL

from bot.bootstrap import Core, Services, build_core, open_services
from bot.settings import Settings, SettingsError
from bot.telegram.application import PTBApplication, announce_commands, build_application
from bot.telegram.handlers.context import bot_deps
from bot.telegram.inbound import InboundQueue
from bot.telegram.runtime import until_stopped
from bot.web.chat.app import mount_chat
from bot.web.server import mount_workspace
from storage.database import is_unavailable

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_TIMEOUT_SECONDS = 5.0

SERVICES = web.AppKey("services", Services)
APPLICATION: web.AppKey[PTBApplication] = web.AppKey("application", Application)
WEBHOOK_SECRET = web.AppKey("webhook_secret", bytes)
INBOUND = web.AppKey("inbound", InboundQueue)
UPDATE_LOCK = web.AppKey("update_lock", asyncio.Lock)


def require_webhook(settings: Settings) -> None:
    """Refuse to serve without a webhook URL and secret, naming the missing setting."""
    if not settings.webhook_url:
        raise SettingsError(
            "setting MYSAY_WEBHOOK_URL is missing: set it to the public HTTPS URL Telegram "
            "should post updates to, e.g. https://mysay.example.org/telegram"
        )
    if not settings.webhook_secret:
        raise SettingsError(
            "setting MYSAY_WEBHOOK_SECRET is missing: set it to 1-256 characters of "
            "A-Za-z0-9_-, e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )


def webhook_path(settings: Settings) -> str:
    """Give the route Telegram posts to: the path of the public webhook URL."""
    return URL(settings.webhook_url).path or "/"


def create_web_app(
    services: Services, application: PTBApplication, settings: Settings
) -> web.Application:
    """Build the web application: the webhook route, /health, and the bot's lifetime."""
    require_webhook(settings)
    app = web.Application()
    app[SERVICES] = services
    app[APPLICATION] = application
    app[WEBHOOK_SECRET] = settings.webhook_secret.encode()
    app[INBOUND] = InboundQueue(services, application)
    app[UPDATE_LOCK] = asyncio.Lock()
    app.router.add_post(webhook_path(settings), receive_update)
    app.router.add_get("/health", health)
    deps = bot_deps(application)
    # The children's web chat, at /c; the alerts and requests it raises are sent at once.
    conversations = deps.conversations
    core = Core(services, conversations.flows, conversations.store, conversations)
    mount_chat(app, core, deps.deliver_now)
    # The staff workspace, at /staff; what its pages queue (a read receipt) is sent at once.
    mount_workspace(app, services, settings, deps.deliver_now)
    app.cleanup_ctx.append(_running_bot)
    return app


async def _running_bot(app: web.Application) -> AsyncIterator[None]:
    """Start the bot when the server starts and stop it, cleanly, when the server stops."""
    application = app[APPLICATION]
    async with application:
        # post_init only runs under run_polling/run_webhook, so announce the menu here.
        await announce_commands(application)
        await application.start()
        app[INBOUND].start()
        try:
            yield
        finally:
            await app[INBOUND].stop()
            await application.stop()


async def receive_update(request: web.Request) -> web.Response:
    """Check the secret, store the update, then answer Telegram."""
    given = request.headers.get(SECRET_HEADER, "").encode(errors="replace")
    if not hmac.compare_digest(given, request.app[WEBHOOK_SECRET]):
        raise web.HTTPForbidden()
    try:
        data: Any = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="body must be a JSON update") from None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise web.HTTPBadRequest(text="body must be a JSON update")
    application = request.app[APPLICATION]
    try:
        update = Update.de_json(data, application.bot)
    except Exception as exc:  # any shape PTB cannot read (a date past year 9999, a string chat)
        # The update id only: the body may hold a child's words.
        logger.warning("update %s refused: %s", data["update_id"], type(exc).__name__)
        raise web.HTTPBadRequest(text="body must be a JSON update") from None
    # Store it before answering: Telegram resends an update until it gets a 200, so a
    # process killed before the update is stored loses nothing, and one killed after has
    # left it for another worker (a resent update is recognised by its id).
    try:
        await request.app[INBOUND].receive(update, data)
    except Exception as error:
        if not is_unavailable(error):
            raise
        # The database is down: handle it here and now, one at a time, as polling does, so
        # the outage spool keeps it and a child in distress still gets the support reply.
        async with request.app[UPDATE_LOCK]:
            await application.process_update(update)
    return web.Response()


async def health(request: web.Request) -> web.Response:
    """Say whether the server is up and its database answers."""
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            await request.app[SERVICES].database.current_revision()
    except Exception as exc:  # any failure to answer means unhealthy, whatever its type
        logger.warning("health check: the database did not answer (%s)", type(exc).__name__)
        return web.json_response({"status": "database unavailable"}, status=503)
    return web.json_response({"status": "ok"})


async def register_webhook(application: PTBApplication, settings: Settings) -> None:
    """Tell Telegram where to post updates, with the secret and every update type."""
    await application.bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret,
        allowed_updates=Update.ALL_TYPES,
    )


async def serve_webhook(
    settings: Settings, *, stopped: Callable[[], Awaitable[object]] = until_stopped
) -> None:
    """Run the bot behind the web server until `stopped` returns."""
    require_webhook(settings)
    # Listen for the stop signal before saying we are ready, so no SIGTERM is missed.
    waiting = asyncio.ensure_future(stopped())
    await asyncio.sleep(0)
    try:
        async with open_services(settings) as services:
            application = build_application(build_core(services), polling=False)
            # No access log: the proxy in front keeps one, and ours would only add noise.
            runner = web.AppRunner(
                create_web_app(services, application, settings),
                access_log=None,
                shutdown_timeout=5,
            )
            await runner.setup()
            try:
                site = web.TCPSite(runner, settings.listen_host, settings.listen_port)
                await site.start()
                # Only now can Telegram's first post find someone listening.
                await register_webhook(application, settings)
                host, port = runner.addresses[0][:2]
                logger.info(
                    "My Say is ready: @%s listening on %s:%s for %s",
                    application.bot.username,
                    host,
                    port,
                    webhook_path(settings),
                )
                await waiting
            finally:
                logger.info("My Say is stopping")
                await runner.cleanup()
    finally:
        waiting.cancel()
