"""The typed keys the common web modules keep in the site's aiohttp application."""

from __future__ import annotations

from aiohttp import web
from jinja2 import Environment

# True when the site is served over https behind a proxy that speaks plain http to us.
SECURE_COOKIES = web.AppKey("secure_cookies", bool)
# Each channel's own Jinja2 environment, kept in that channel's sub-application.
TEMPLATES = web.AppKey("templates", Environment)
