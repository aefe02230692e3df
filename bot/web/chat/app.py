"""The web chat's aiohttp application: its routes on the shared web base.

Mount it under `/c` (`bot.web.common.site.mount`), so an invitation's browser link,
`<MYSAY_WEB_URL>/c/<code>`, opens it (`bot.app.web_chat.browser_link`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from bot.bootstrap import Core
from bot.web.chat import views
from bot.web.chat.keys import CHAT_CORE, LIMITS, NUDGE, ChatLimits
from bot.web.common.ratelimit import RateLimiter
from bot.web.common.site import create_pages, mount

PREFIX = "/c"
ASSETS = Path(__file__).parent / "static"
# Opening links and PIN tries per address (a school's children may share one); each link's
# PIN tries are limited in the database, and its code is not guessable.
LINKS_PER_ADDRESS = (60, 15 * 60)
# Answers per chat: far more than a child types, far fewer than a script sends.
POSTS_PER_CHAT = (60, 60)
# An invitation code as `bot.app.admin.new_invitation_code` makes one.
CODE = "{code:[A-Za-z0-9_-]{16,64}}"


def create_chat(
    core: Core, *, nudge: Callable[[], Awaitable[object]] | None = None
) -> web.Application:
    """The children's web chat over the application core; `nudge` delivers the outbox."""
    secure = core.services.settings.web_url.startswith("https://")
    pages = create_pages("bot.web.chat", secure_cookies=secure)
    pages[CHAT_CORE] = core
    pages[LIMITS] = ChatLimits(RateLimiter(*LINKS_PER_ADDRESS), RateLimiter(*POSTS_PER_CHAT))
    if nudge is not None:
        pages[NUDGE] = nudge
    pages.router.add_static("/assets/", ASSETS, name="assets")
    pages.router.add_get("/", views.show_chat, name="chat")
    pages.router.add_post("/answer", views.answer, name="answer")
    pages.router.add_post("/start", views.start, name="start")
    pages.router.add_post("/language", views.choose, name="language")
    pages.router.add_get("/answers", views.my_answers, name="answers")
    pages.router.add_get("/note", views.meeting_note, name="note")
    pages.router.add_route("*", "/pin", views.pin, name="pin")
    pages.router.add_get(f"/{CODE}", views.open_link, name="open")
    pages.router.add_post(f"/{CODE}/pin", views.unlock, name="unlock")
    return pages


def mount_chat(
    root: web.Application, core: Core, nudge: Callable[[], Awaitable[object]] | None = None
) -> None:
    """Serve the web chat at /c of the server's root application."""
    mount(root, PREFIX, create_chat(core, nudge=nudge))
