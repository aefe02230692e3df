"""Signing in from a one-time link, and signing out.

The link's page only shows a button: a link previewer or a mail scanner that fetches it
spends nothing; the sign-in itself is the button's POST (with its form token).
"""

from __future__ import annotations

from aiohttp import web

from bot.app import web_access
from bot.web.common.cookies import clear_cookie, read_cookie, set_cookie
from bot.web.common.ratelimit import client_address
from bot.web.staff.app import (
    EVERYONE,
    SESSION_COOKIE,
    STAFF,
    Pages,
    page,
    see_other,
    url,
    workspace,
)

OPEN = Pages(None)  # the sign-in pages: no session needed
SIGNED_IN = Pages(EVERYONE)

# The browser forgets the session when it closes, and the server after 30 idle minutes.
HOME_BY_ROLE = {"iro": "caseload", "manager": "report", "admin": "staff_members"}


@OPEN.route("GET", "/signin/{token}", "sign_in")
async def show_sign_in(request: web.Request) -> web.Response:
    """Show the sign-in button for a link (the link is spent only when it is pressed)."""
    return page(request, "sign_in", {"problem": None})


@OPEN.route("POST", "/signin/{token}", "sign_in_post")
async def sign_in(request: web.Request) -> web.Response:
    """Spend the link and open a session, or say the link no longer works."""
    ws = workspace(request)
    if not ws.sign_ins.allow(client_address(request)):
        return page(request, "sign_in", {"problem": "too_many"}, status=429)
    token = await web_access.sign_in(ws.services, request.match_info["token"])
    if token is None:
        return page(request, "sign_in", {"problem": "spent"}, status=403)
    response = see_other(url(request, "home"))
    set_cookie(request, response, SESSION_COOKIE, token)
    return response


@SIGNED_IN.route("GET", "/", "home")
async def home(request: web.Request) -> web.Response:
    """Go to the first page of the signed-in person's role."""
    return see_other(url(request, HOME_BY_ROLE[request[STAFF].role]))


@OPEN.route("GET", "/signed-out", "signed_out")
async def signed_out(request: web.Request) -> web.Response:
    """Say the session has ended and how to get a new link."""
    return page(request, "signed_out")


@SIGNED_IN.route("POST", "/signout", "sign_out")
async def sign_out(request: web.Request) -> web.Response:
    """End this session, and forget its cookie."""
    token = read_cookie(request, SESSION_COOKIE)
    if token:
        await web_access.sign_out(workspace(request).services, token)
    response = see_other(url(request, "signed_out"))
    clear_cookie(request, response, SESSION_COOKIE)
    return response
