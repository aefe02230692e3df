"""A token in every form, checked on every request that changes something.

Each browser gets a random value in an HttpOnly, SameSite=Strict cookie the first time a page
asks for a token; a form's token is an HMAC of that value, so another site can neither read
nor forge it (and over https the cookie is `__Host-` prefixed, so a subdomain cannot plant
one). No server secret is needed, so every worker checks any worker's tokens.

Forms carry the token in the `csrf_token` field (`{{ csrf_field() }}` in a template); a
script sends it in the `X-CSRF-Token` header. Any POST, PUT, PATCH or DELETE without the
right token is refused with 403 before its handler runs.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.web.common.cookies import new_token, read_cookie, set_cookie

logger = logging.getLogger(__name__)

COOKIE = "csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
EXPIRED = "This form has expired. Go back, reload the page and try again."
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_PURPOSE = b"my say form token"
# The cookie made for this request, when the browser had none yet.
_NEW_COOKIE = web.RequestKey("csrf_new_cookie", str)


def _token_for(cookie: str) -> str:
    return hmac.new(cookie.encode(), _PURPOSE, hashlib.sha256).hexdigest()


def csrf_token(request: web.Request) -> str:
    """The token this browser's forms must carry (the cookie is set with the response)."""
    cookie = read_cookie(request, COOKIE) or request.get(_NEW_COOKIE)
    if cookie is None:
        cookie = request[_NEW_COOKIE] = new_token()
    return _token_for(cookie)


async def _given_token(request: web.Request) -> str:
    if HEADER in request.headers:
        return request.headers[HEADER]
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        value = (await request.post()).get(FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def token_is_valid(request: web.Request) -> bool:
    """Tell whether an unsafe request carries the token its browser's cookie gives."""
    cookie = read_cookie(request, COOKIE)
    given = await _given_token(request)
    return bool(cookie and given) and hmac.compare_digest(given, _token_for(cookie or ""))


@web.middleware
async def csrf_protection(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse an unsafe request without its token; set the token's cookie when one was made."""
    if request.method not in SAFE_METHODS and not await token_is_valid(request):
        logger.warning("refused %s %s: no valid form token", request.method, request.path)
        raise web.HTTPForbidden(
            text="This form has expired. Go back, reload the page and try again."
        )
    response = await handler(request)
    if _NEW_COOKIE in request and not response.prepared:
        set_cookie(request, response, COOKIE, request[_NEW_COOKIE])
    return response
