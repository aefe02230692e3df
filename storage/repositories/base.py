"""The base of every repository: a session to query, and the cipher for free text."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import TextCipher


class Repository:
    """Repositories are the only code that turns rows into queries, and text into ciphertext."""

    def __init__(self, session: AsyncSession, cipher: TextCipher) -> None:
        self.session = session
        self.cipher = cipher
