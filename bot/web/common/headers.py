"""Security headers on every response of a web channel, error pages included.

The Content-Security-Policy allows scripts, styles and images from the site itself only: no
inline script or style, no framing, forms posting to the site only. Pages are never stored
by the browser or a proxy (`Cache-Control: no-store`): they may carry a child's words or a
staff member's work. Only the static files (CSS, scripts) may be cached.
"""

from __future__ import annotations

from aiohttp import web

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

STATIC_MAX_AGE = "public, max-age=3600"


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Add the security headers, and say whether the response may be cached."""
    response.headers.update(HEADERS)
    if request.match_info.route.name == "static":
        response.headers["Cache-Control"] = STATIC_MAX_AGE
    else:
        response.headers["Cache-Control"] = "no-store"
