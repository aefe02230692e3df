"""Rows the participation report reads, kept per child and counted again from what they sum up.

A kind of kept rows (the funnel's, `funnel_counts`; the children's tables' flows,
`episode_flows`) names the children a transaction's writes moved, under its own key in the
session's notes (a flush listener, or the statements that bypass the ORM), and the unit of
work counts those children's rows again before it commits. Counting a child again, rather
than adding and taking away, cannot drift; `recount` counts every child.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, ClassVar, TypeAlias

from sqlalchemy import (
    BindParameter,
    Executable,
    Row,
    Select,
    and_,
    bindparam,
    delete,
    insert,
    inspect,
    or_,
)
from sqlalchemy.orm import Session

from storage.models import Base
from storage.repositories.base import Noted, Repository, noted, sorted_chunks, table_of

# Children per statement, well below SQLite's limit on a statement's parameters; and rows
# of kept sums per statement that adds to them.
CHILDREN_PER_STATEMENT = 500
SUMS_PER_STATEMENT = 500

# A select of any row shape (SQLAlchemy 2.1 typing).
Rows: TypeAlias = Select[*tuple[Any, ...]]
# Which children a count is of: the ids bound when it runs (`children`, an expanding
# parameter), or None for every child.
Children: TypeAlias = BindParameter[Any] | None
# A count's statements: delete the children's rows, then insert them counted again.
Counting: TypeAlias = tuple[Executable, list[Executable]]


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
    counted: ClassVar[staticmethod[[str, Children], Sequence[Rows]]]
    # The columns of some children's rows, as replaced and as replacing them, that `replaced`
    # is given (none: it is not called).
    returned: ClassVar[tuple[str, ...]] = ()

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

    async def replaced(self, removed: Sequence[Row[Any]], added: Sequence[Row[Any]]) -> None:
        """Keep what a kind sums up of its rows, from some children's rows replaced (their
        `returned` columns); nothing by default."""

    async def _count_again(self, children: Sequence[int] | None) -> None:
        dialect = "postgresql" if self.on_postgres else "sqlite"
        if children is None:
            clear, fills = self._counting(dialect, None)
            parameters: dict[str, Any] = {}
        else:
            # Built once per kind and dialect, the children bound when they run: built afresh
            # on each commit (and walked again for SQLAlchemy's cache key), they cost every
            # joining child's update milliseconds of CPU.
            key = (type(self), dialect)
            if key not in _SOME_CHILDREN:
                _SOME_CHILDREN[key] = self._counting(
                    dialect, bindparam("children", expanding=True)
                )
            clear, fills = _SOME_CHILDREN[key]
            parameters = {"children": list(children)}
        reads = children is not None and bool(self.returned)
        removed = await self._execute(clear, parameters, reads)
        added: list[Row[Any]] = []
        for fill in fills:
            added += await self._execute(fill, parameters, reads)
        if reads:
            await self.replaced(removed, added)

    async def move_kept(
        self,
        model: type[Base],
        keys: tuple[str, ...],
        moved: Counter[tuple[Any, ...]],
        signed: bool = False,
    ) -> None:
        """Add each change to a kept sum's row (`keys`, and its count `n`), made if new, and
        delete the rows a change took back to none: for sums too wide to count again at each
        write (a month's rows are a whole country's). A sum that is never below none can be
        taken back to none only by taking away; a `signed` one by adding too."""
        table = table_of(model)
        rows = [dict(zip(keys, key, strict=True)) | {"n": n} for key, n in moved.items() if n]
        for first in range(0, len(rows), SUMS_PER_STATEMENT):
            statement = self.insert(model).values(rows[first : first + SUMS_PER_STATEMENT])
            await self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=list(keys), set_={"n": table.c.n + statement.excluded.n}
                )
            )
        taken = [
            and_(*(table.c[name] == value for name, value in zip(keys, key, strict=True)))
            for key, n in moved.items()
            if n < 0 or (n and signed)
        ]
        for first in range(0, len(taken), SUMS_PER_STATEMENT):
            rows_taken = or_(*taken[first : first + SUMS_PER_STATEMENT])
            await self.session.execute(delete(table).where(table.c.n == 0, rows_taken))

    def _counting(self, dialect: str, children: Children) -> Counting:
        """Delete the children's rows, then fill them in from what they sum up; for some
        children, each reading the rows it deletes or inserts (`returned`), if asked for."""
        table = table_of(self.model)
        clear = delete(table).where(
            *([] if children is None else [table.c.child_id.in_(children)])
        )
        fills = [
            insert(table).from_select(self.columns, rows)
            for rows in self.counted(dialect, children)
        ]
        if children is None or not self.returned:
            return clear, list(fills)
        # The rows replaced, and those replacing them, read as they are written.
        returned = [table.c[name] for name in self.returned]
        return clear.returning(*returned), [fill.returning(*returned) for fill in fills]

    async def _execute(
        self, statement: Executable, parameters: dict[str, Any], reads: bool
    ) -> list[Row[Any]]:
        """Run a statement; the rows it wrote or deleted, if it reads them."""
        result = await self.session.execute(statement, parameters)
        return list(result) if reads else []


# The statements counting some children's rows again, by kind and dialect.
_SOME_CHILDREN: dict[tuple[type[ChildRows], str], Counting] = {}
