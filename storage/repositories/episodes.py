"""Rows the annual report counts of children, as imports write them: care episodes, plans,
IRO allocations and challenges (see `storage.episode_imports`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select

from storage.models import CareEpisode, Challenge, IroAllocation, PlanEpisode
from storage.repositories.base import Repository

Episode = CareEpisode | PlanEpisode | IroAllocation | Challenge


class EpisodeRepository(Repository):
    def add(self, row: Episode) -> Episode:
        self.session.add(row)
        return row

    async def of_children(
        self, model: type[Episode], child_ids: Collection[int]
    ) -> Sequence[Episode]:
        """The rows of one kind kept for these children."""
        query = select(model).where(model.child_id.in_(child_ids))
        return list(await self.session.scalars(query))

    async def any_kept(self, model: type[Episode]) -> bool:
        """Whether any row of this kind was ever imported."""
        return await self.session.scalar(select(model.id).limit(1)) is not None
