"""The challenge log: issues IROs raised about a child, one row per child, day and category."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.models import Challenge
from storage.repositories.base import Repository


class ChallengeRepository(Repository):
    def add(self, challenge: Challenge) -> Challenge:
        self.session.add(challenge)
        return challenge

    async def find(self, child_id: int, raised_on: date, category: str) -> Challenge | None:
        """The challenge raised about this child on this day in this category, if recorded."""
        query = select(Challenge).where(
            Challenge.child_id == child_id,
            Challenge.raised_on == raised_on,
            Challenge.category == category,
        )
        return await self.session.scalar(query)
