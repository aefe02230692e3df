"""`mysay web`: the staff workspace on a server of its own (under /staff).

`mysay serve` mounts the same workspace beside the webhook instead (`bot.telegram.webhook`).
Read receipts and notes a page queues are then sent by the bot's outbox sweep, wherever the
bot runs. No access log: a sign-in link's path is a secret, if only for ten minutes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.bootstrap import Core, Services, open_services
from bot.settings import Settings
from bot.web.chat.app import mount_chat
from bot.web.common.site import mount
from bot.web.staff.app import PREFIX, Deliver, Workspace
from bot.web.staff.routes import build_workspace
from conversations.flow_versions import packaged_library

logger = logging.getLogger(__name__)


def mount_workspace(
    root: web.Application,
    services: Services,
    settings: Settings,
    deliver_outbox: Deliver | None = None,
) -> Workspace:
    """Serve the workspace at /staff of `root`, and send `/` there."""
    workspace = Workspace(services, packaged_library(), deliver_outbox)
    mount(root, PREFIX, build_workspace(workspace, settings.workspace_url))

    async def to_workspace(request: web.Request) -> web.Response:
        return web.Response(status=303, headers={"Location": f"{PREFIX}/"})

    root.router.add_get("/", to_workspace)
    return workspace


async def start_workspace(
    services: Services,
    settings: Settings,
    deliver_outbox: Deliver | None = None,
    *,
    chat: Core | None = None,
) -> tuple[web.AppRunner, str]:
    """Start the workspace on web_host:web_port; give its runner (to clean up) and base URL.

    Given the bot's core, the children's web chat is served beside it, at /c.
    """
    root = web.Application()
    mount_workspace(root, services, settings, deliver_outbox)
    if chat is not None:
        mount_chat(root, chat, deliver_outbox)
    runner = web.AppRunner(root, access_log=None, shutdown_timeout=5)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.web_host, settings.web_port).start()
    except OSError:
        await runner.cleanup()
        raise
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


async def serve_workspace(settings: Settings, stopped: Callable[[], Awaitable[object]]) -> None:
    """Run the workspace on web_host:web_port until `stopped` returns."""
    waiting = asyncio.ensure_future(stopped())
    await asyncio.sleep(0)
    try:
        async with open_services(settings) as services:
            runner, base = await start_workspace(services, settings)
            try:
                logger.info("The staff workspace is at %s%s/", base, PREFIX)
                await waiting
            finally:
                await runner.cleanup()
    finally:
        waiting.cancel()
