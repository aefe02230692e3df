"""Rows the participation report reads, kept per child and counted again from what they sum up.

A kind of kept rows (the funnel's, `funnel_counts`; the children's tables' flows,
`episode_flows`) names the children a transaction's writes moved, under its own key in the
session's notes (a flush listener, or the statements that bypass the ORM), and the unit of
work counts those children's rows again before it commits. Counting a child again, rather
than adding and taking away, cannot drift; `recount` counts every child.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, TypeAlias

from sqlalchemy import Select, delete, insert, inspect
from sqlalchemy.orm import Session

from storage.models import Base
from storage.repositories.base import Noted, Repository, noted, sorted_chunks

# Children per statement, well below SQLite's limit on a statement's parameters.
CHILDREN_PER_STATEMENT = 500

# A select of any row shape (SQLAlchemy 2.1 typing).
Rows: TypeAlias = Select[*tuple[Any, ...]]


def changed(instance: Any, names: Sequence[str]) -> bool:
    """Whether a flush changes any of these attributes of the instance."""
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in names)


def before_and_now(instance: Any, name: str) -> set[Any]:
    """The values an attribute had before this flush and has now (None left out)."""
    return {value for value in inspect(instance).attrs[name].history.sum() if value is not None}


def note_children(session: Session, key: str, children: set[int]) -> None:
    """Note children whose rows of one kind (`key`) moved, for the commit to count again."""
    if children:
        noted(session, key).children.update(children)


class ChildRows(Repository):
    """Counts again the rows of the children a transaction touched; rebuilds every child's."""

    pending: ClassVar[str]  # the key of its notes in the session
    model: ClassVar[type[Base]]  # the kept rows, with a `child_id`
    columns: ClassVar[tuple[str, ...]]  # the columns `counted` fills, in its order
    # The rows of these children (None: every child) by dialect, from the rows they sum up.
    counted: ClassVar[staticmethod[[str, Sequence[int] | None], Sequence[Rows]]]

    async def children_of(self, found: Noted) -> set[int]:
        """The children the notes name."""
        return set(found.children)

    async def refresh(self) -> None:
        """Count again the rows of the children written since the last refresh."""
        await self.session.flush()
        found = self.session.sync_session.info.pop(self.pending, None)
        if found is None:
            return
        for chunk in sorted_chunks(await self.children_of(found), CHILDREN_PER_STATEMENT):
            await self._count_again(chunk)

    async def recount(self) -> None:
        """Replace every child's rows with rows counted again."""
        self.session.sync_session.info.pop(self.pending, None)
        await self._count_again(None)

    async def _count_again(self, children: Sequence[int] | None) -> None:
        dialect = "postgresql" if self.on_postgres else "sqlite"
        child_id = self.model.__table__.c.child_id
        where = [] if children is None else [child_id.in_(children)]
        await self.session.execute(delete(self.model).where(*where))
        for rows in self.counted(dialect, children):
            await self.session.execute(insert(self.model).from_select(self.columns, rows))
