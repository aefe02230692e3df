"""The workspace's aiohttp application: who is signed in, what each role may open, and how
a refusal looks.

Every route is in `routes.ROUTES` (each declared on its handler with `Pages.route`) with the
roles that may use it; a route missing there is refused to everyone (so a new page is closed
until someone says who may see it). The roles are a first gate only: the use cases check
access again, the same way for the bot (an IRO opening another IRO's child gets "not found",
whatever the page).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.app import web_access
from bot.app.admin import AdminError
from bot.app.ports import Services
from bot.app.staff_access import NotAllowed, SignedIn
from bot.web.common.cookies import clear_cookie, read_cookie
from bot.web.common.ratelimit import RateLimiter
from bot.web.common.site import create_pages
from bot.web.common.templates import render
from conversations.flow_spec import Flow
from feedback_reports.labels import KIND_WORDS
from feedback_reports.record_model import ReportError
from storage.models import Staff

logger = logging.getLogger(__name__)

PREFIX = web_access.WORKSPACE_PATH
SESSION_COOKIE = "staff_session"
# Sign-in attempts per browser address: a link is 43 random characters, so this only keeps
# a flood of guesses from costing the database anything.
SIGN_IN_ATTEMPTS, SIGN_IN_WINDOW_SECONDS = 10, 600

Deliver = Callable[[], Awaitable[Any]]
EVERYONE = ("iro", "manager", "admin")
CASEWORK = ("iro", "manager")


@dataclass
class Workspace:
    """What the pages need: the use cases' services and flows, and the outbox's delivery."""

    services: Services
    flows: Mapping[str, Flow]
    # Sends what a page queued (a read receipt) now, when a bot runs in this process.
    deliver_outbox: Deliver | None = None
    sign_ins: RateLimiter = field(
        default_factory=lambda: RateLimiter(SIGN_IN_ATTEMPTS, SIGN_IN_WINDOW_SECONDS)
    )

    async def deliver(self) -> None:
        if self.deliver_outbox is not None:
            await self.deliver_outbox()


WORKSPACE = web.AppKey("workspace", Workspace)
STAFF = web.RequestKey("staff", Staff)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    name: str
    # None: no sign-in needed (the sign-in pages themselves).
    roles: tuple[str, ...] | None


PageHandler = TypeVar("PageHandler", bound=Handler)


class Pages:
    """A group of pages open to the same roles, each declared on its handler:

    PAGES = Pages(CASEWORK)

    @PAGES.route("GET", "/caseload", "caseload")
    async def show_caseload(request: web.Request) -> web.Response: ...
    """

    def __init__(self, roles: tuple[str, ...] | None) -> None:
        self.roles = roles
        self.routes: list[Route] = []

    def route(self, method: str, path: str, name: str) -> Callable[[PageHandler], PageHandler]:
        """Declare the handler below as the page `name` at `method path`."""

        def declare(handler: PageHandler) -> PageHandler:
            self.routes.append(Route(method, path, handler, name, self.roles))
            return handler

        return declare

    def shows(
        self, path: str, name: str, key: str, find: Callable[[Services, SignedIn], Awaitable[Any]]
    ) -> None:
        """Declare the page `name` at GET `path`: what the use case `find` gives the staff
        member signed in, as `key` in the page's template."""

        async def show(request: web.Request) -> web.Response:
            found = await find(workspace(request).services, signed_in(request))
            return page(request, name, {key: found})

        self.routes.append(Route("GET", path, show, name, self.roles))


def workspace(request: web.Request) -> Workspace:
    return request.config_dict[WORKSPACE]


def signed_in(request: web.Request) -> SignedIn:
    """The staff member this request comes from, as the use cases know them."""
    return SignedIn(request[STAFF].id)


def page(
    request: web.Request, name: str, context: Mapping[str, Any] | None = None, status: int = 200
) -> web.Response:
    """The workspace page `name` (templates/NAME.html.j2), with who is signed in."""
    staff = request.get(STAFF)
    zone = workspace(request).services.settings.zone
    shared = {"staff": staff, "kind_words": KIND_WORDS, "zone": zone}
    return render(request, f"{name}.html.j2", {**shared, **(context or {})}, status=status)


def url(
    request: web.Request, name: str, query: Mapping[str, str] | None = None, **parts: str
) -> str:
    """The path of a named workspace route."""
    found = request.app.router[name].url_for(**parts)
    return str(found.with_query(query) if query else found)


async def form_fields(request: web.Request, *names: str) -> list[str]:
    """The posted form's fields `names`, as text ("" for one it lacks)."""
    posted = await request.post()
    return [str(posted.get(name, "")) for name in names]


def see_other(location: str) -> web.Response:
    """Go to another page after a form (303: the browser asks for it with GET)."""
    return web.Response(status=303, headers={"Location": location})


def _roles_of(request: web.Request, routes: Mapping[str, Route]) -> tuple[str, ...] | None:
    route = routes.get(str(request.match_info.route.name))
    if route is None:
        return ()  # static files are not in the table; every other route is
    return route.roles


def _guard(routes: Mapping[str, Route]) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        """Let a route through only for a live session of a role it allows."""
        if request.match_info.route.name == "static":
            return await handler(request)
        roles = _roles_of(request, routes)
        if roles is None:
            return await _answer(request, handler)
        token = read_cookie(request, SESSION_COOKIE)
        staff = (
            await web_access.session_staff(workspace(request).services, token) if token else None
        )
        if staff is None:
            return _signed_out(request)
        request[STAFF] = staff
        if staff.role not in roles:
            return page(request, "refused", {"why": "role"}, status=403)
        return await _answer(request, handler)

    return guard


async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Run the page; a refusal by a use case reads as 'not found', saying nothing more."""
    try:
        return await handler(request)
    except (NotAllowed, ReportError):
        return page(request, "refused", {"why": "missing"}, status=404)
    except AdminError as error:
        return page(request, "problem", {"problem": str(error)}, status=400)


def _signed_out(request: web.Request) -> web.StreamResponse:
    if request.method == "GET":
        response = see_other(url(request, "signed_out"))
    else:
        response = page(request, "signed_out", status=401)
    if read_cookie(request, SESSION_COOKIE):
        clear_cookie(request, response, SESSION_COOKIE)
    return response


def create_workspace(
    ws: Workspace, routes: list[Route], *, secure_cookies: bool = False
) -> web.Application:
    """The workspace's pages (mount under PREFIX); `routes` come from `pages.ROUTES`."""
    app = create_pages("bot.web.staff", secure_cookies=secure_cookies)
    app[WORKSPACE] = ws
    by_name = {route.name: route for route in routes}
    app.middlewares.append(_guard(by_name))
    for route in routes:
        app.router.add_route(route.method, route.path, route.handler, name=route.name)
    return app
