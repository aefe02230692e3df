"""The base of every repository: a session to query, and the cipher for free text."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import TextCipher
from storage.models import Base

Upsert = postgresql.Insert | sqlite.Insert


class Repository:
    """Repositories are the only code that turns rows into queries, and text into ciphertext."""

    def __init__(self, session: AsyncSession, cipher: TextCipher) -> None:
        self.session = session
        self.cipher = cipher

    def insert(self, model: type[Base]) -> Upsert:
        """An INSERT that can say what to do ON CONFLICT, in this database's own dialect.

        One statement instead of a look-up and then an insert or update; both backends spell
        it the same way, only the construct's module differs.
        """
        postgres = self.session.bind is not None and self.session.bind.dialect.name == "postgresql"
        return postgresql.insert(model) if postgres else sqlite.insert(model)
