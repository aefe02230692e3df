"""Random tokens for links and cookies, of which only the hash is ever stored.

A copy of the database then opens no session and redeems no link. Invitation codes are
hashed the same way (`storage.repositories.hash_code`).
"""

from __future__ import annotations

import secrets

from storage.repositories import hash_code

# 32 random bytes: 43 URL-safe characters, unguessable, and short enough for a QR code.
TOKEN_BYTES = 32


def new_token() -> str:
    """A fresh unguessable token, safe in a URL or a cookie."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The hex SHA-256 of a token: what is stored and looked up."""
    return hash_code(token)
