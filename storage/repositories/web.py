"""The staff workspace's one-time sign-in links and browser sessions (hashes only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from storage.models import WebSession, WebSignIn
from storage.repositories.base import Repository


class WebAccessRepository(Repository):
    def add_sign_in(
        self, staff_id: int, token_hash: str, now: datetime, expires_at: datetime
    ) -> WebSignIn:
        link = WebSignIn(
            token_hash=token_hash, staff_id=staff_id, created_at=now, expires_at=expires_at
        )
        self.session.add(link)
        return link

    async def use_sign_in(self, token_hash: str, now: datetime) -> int | None:
        """Mark a live, unused link used and give its staff id; None if it is not one.

        One UPDATE, so two browsers racing with the same link cannot both get in.
        """
        used = (
            update(WebSignIn)
            .where(
                WebSignIn.token_hash == token_hash,
                WebSignIn.used_at.is_(None),
                WebSignIn.expires_at > now,
            )
            .values(used_at=now)
            .returning(WebSignIn.staff_id)
        )
        return await self.session.scalar(used)

    def start_session(self, staff_id: int, token_hash: str, now: datetime) -> WebSession:
        session = WebSession(
            token_hash=token_hash, staff_id=staff_id, created_at=now, last_seen_at=now
        )
        self.session.add(session)
        return session

    async def live_session(self, token_hash: str) -> WebSession | None:
        """The session with this token's hash, unless it was ended."""
        return await self.session.scalar(
            select(WebSession).where(
                WebSession.token_hash == token_hash, WebSession.ended_at.is_(None)
            )
        )

    async def end_sessions_of(self, staff_id: int, now: datetime) -> None:
        """End every session of one staff member (deactivated, or their role changed)."""
        await self.session.execute(
            update(WebSession)
            .where(WebSession.staff_id == staff_id, WebSession.ended_at.is_(None))
            .values(ended_at=now)
        )
