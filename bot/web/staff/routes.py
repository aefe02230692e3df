"""Every page of the workspace, with who may open it, and the application built from them."""

from __future__ import annotations

from aiohttp import web

from bot.web.staff import administration, casework, oversight, signing_in
from bot.web.staff.app import Route, Workspace, create_workspace

ROUTES: list[Route] = [
    *signing_in.OPEN.routes,
    *signing_in.SIGNED_IN.routes,
    *casework.PAGES.routes,
    *oversight.PAGES.routes,
    *administration.PAGES.routes,
]


def build_workspace(ws: Workspace, web_url: str) -> web.Application:
    """The workspace's application, to mount at PREFIX; cookies Secure when served on https."""
    return create_workspace(ws, ROUTES, secure_cookies=web_url.startswith("https://"))
