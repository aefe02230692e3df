"""Every page of the workspace, with who may open it, and the application built from them."""

from __future__ import annotations

from aiohttp import web

from bot.web.staff import administration, casework, oversight, signing_in
from bot.web.staff.app import PREFIX, Route, Workspace, create_workspace

ROUTES: list[Route] = [
    *signing_in.ROUTES,
    *casework.ROUTES,
    *oversight.ROUTES,
    *administration.ROUTES,
]


def sign_in_url(web_url: str, token: str) -> str:
    """The link a staff member opens to sign in (made by the bot or `mysay web link`)."""
    return f"{web_url.rstrip('/')}{PREFIX}/signin/{token}"


def build_workspace(ws: Workspace, web_url: str) -> web.Application:
    """The workspace's application, to mount at PREFIX; cookies Secure when served on https."""
    return create_workspace(ws, ROUTES, secure_cookies=web_url.startswith("https://"))
