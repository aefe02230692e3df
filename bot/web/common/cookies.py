"""Cookies with safe flags, holding random tokens of which only a hash is stored.

A session or a browser binding is a random token in an HttpOnly cookie; the database keeps
its SHA-256 hash, so a copy of the database opens no session. Cookies are SameSite=Strict,
and Secure whenever the request came over https or the site says it is served over https.
"""

from __future__ import annotations

from aiohttp import web

# Made and hashed in the application layer, whose use cases store the hashes; here too for
# a channel's own use.
from bot.app.tokens import new_token, token_hash
from bot.web.common.keys import SECURE_COOKIES

__all__ = ["clear_cookie", "new_token", "read_cookie", "set_cookie", "token_hash"]


def cookies_are_secure(request: web.Request) -> bool:
    """Tell whether cookies must be Secure: https here, or a site served over https."""
    return request.secure or request.config_dict.get(SECURE_COOKIES, False)


def cookie_name(request: web.Request, name: str) -> str:
    """`__Host-NAME` over https (the browser then refuses it from a subdomain), else NAME."""
    return f"__Host-{name}" if cookies_are_secure(request) else name


def set_cookie(
    request: web.Request,
    response: web.StreamResponse,
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    lax: bool = False,
) -> None:
    """Set cookie `name` on the whole site: HttpOnly, SameSite=Strict, Secure over https.

    `lax` sends it on a link followed from elsewhere too (a child's invitation opened again
    from a text message): only for a cookie that lets no form through without a CSRF token.
    """
    response.set_cookie(
        cookie_name(request, name),
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        secure=cookies_are_secure(request),
        samesite="Lax" if lax else "Strict",
    )


def read_cookie(request: web.Request, name: str) -> str | None:
    """The value of cookie `name` as `set_cookie` named it, or None."""
    return request.cookies.get(cookie_name(request, name)) or None


def clear_cookie(request: web.Request, response: web.StreamResponse, name: str) -> None:
    """Tell the browser to forget cookie `name`."""
    response.del_cookie(
        cookie_name(request, name),
        path="/",
        secure=cookies_are_secure(request),
        httponly=True,
        samesite="Strict",
    )
