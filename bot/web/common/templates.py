"""Jinja2 pages: each channel's templates over the common base template.

A channel's templates extend `base.html.j2` (blocks `title`, `nav`, `content`, `scripts`).
Autoescape is always on and an undefined name is an error. Every page gets `csrf_field()`
(the hidden input a form needs), `csrf_token()`, and `static(name)` for a common static file.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from aiohttp import web
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from bot.web.common.csrf import FIELD, csrf_token
from bot.web.common.keys import TEMPLATES


def template_environment(package: str) -> Environment:
    """Templates from `package`'s `templates` folder first, then the common ones."""
    return Environment(
        loader=ChoiceLoader(
            [PackageLoader(package, "templates"), PackageLoader("bot.web.common", "templates")]
        ),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _csrf_field(request: web.Request) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        FIELD, escape(csrf_token(request))
    )


def _static(request: web.Request, name: str) -> str:
    return str(request.app.router["static"].url_for(filename=name))


def render(
    request: web.Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> web.Response:
    """Render template `name` of the request's channel as an HTML response."""
    template = request.config_dict[TEMPLATES].get_template(name)
    html = template.render(
        {
            **(context or {}),
            "request": request,
            "csrf_field": partial(_csrf_field, request),
            "csrf_token": partial(csrf_token, request),
            "static": partial(_static, request),
        }
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)
