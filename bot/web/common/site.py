"""One web channel's aiohttp application, with what every channel's pages need.

`create_pages(package)` gives an application with the CSRF check on every unsafe request,
the security headers on every response, the common static files under `static/` (route
name "static") and `package`'s templates. Add the channel's routes to it, then mount it
under a prefix of the server's root application with `mount`: `mysay web` mounts it on a
root of its own, `mysay serve` beside the webhook. Middlewares and headers stay inside the
channel, so the webhook's own route is untouched.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.web.common.csrf import csrf_protection
from bot.web.common.headers import add_security_headers
from bot.web.common.keys import SECURE_COOKIES, TEMPLATES
from bot.web.common.templates import template_environment

STATIC = Path(__file__).parent / "static"
# Uploads (a CSV of children or reviews) are small; a larger body is refused with 413.
MAX_BODY_BYTES = 2 * 1024 * 1024


def create_pages(package: str, *, secure_cookies: bool = False) -> web.Application:
    """A channel's application: CSRF, security headers, static files and its templates.

    Args:
        package: the channel's package (its templates are in its `templates` folder).
        secure_cookies: mark cookies Secure even over plain http (a TLS proxy in front).
    """
    app = web.Application(middlewares=[csrf_protection], client_max_size=MAX_BODY_BYTES)
    app[SECURE_COOKIES] = secure_cookies
    app[TEMPLATES] = template_environment(package)
    app.on_response_prepare.append(add_security_headers)
    app.router.add_static("/static/", STATIC, name="static")
    return app


def mount(root: web.Application, prefix: str, pages: web.Application) -> None:
    """Serve a channel's pages under `prefix` (e.g. "/staff") of the server's root app."""
    root.add_subapp(prefix, pages)
