"""The children's tables' flows, kept per child as periods in care, plans and children are
written.

"Children who started (or ended) a period in care, or a plan, in the period" counts each child
once, by their first start (last end) in it, with their gender, ethnicity, legal status and
DfE age band on that day. At national scale numbering each child's episodes of the period
and joining their child was most of those tables' time. So each episode keeps a row per flow
(`EpisodeFlow`) with its child's characteristics on its day and the same child's start before
(or end after): a child's first start in a period is the one row in it whose start before is
not, and the table groups those rows. Each episode keeps a row of its span too, with its
child's characteristics and birth date, for the snapshot on a day without the child.

A write that can move a child's rows (an episode imported, changed or deleted; a child's
gender, ethnicity, legal status or birth date changed) notes the child, and the unit of work
counts the child's rows again before it commits (`storage.repositories.child_rows`). The
rows are added up per month too (`EpisodeMonthCount`, `storage.repositories.episode_months`),
from which a report reads its whole months: there what a child's rows were before is taken
away and what they are now added.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, delete, func, literal, null, select
from sqlalchemy.orm import Session, UOWTransaction

from storage.models import CareEpisode, Child, EpisodeFlow, EpisodeMonthCount, PlanEpisode
from storage.models.kept_counts import EPISODE_MONTH_KEYS
from storage.models.records import EPISODE_FLOW_COUNTED
from storage.report_sql import Expr, dfe_age_band
from storage.repositories.child_rows import (
    Children,
    ChildRows,
    Rows,
    before_and_now,
    changed,
    note_children,
)
from storage.repositories.episode_months import Months, months_of

PENDING = "episode_flows_pending"
# The episodes each population's rows come from.
POPULATIONS: dict[str, type[CareEpisode] | type[PlanEpisode]] = {
    "in_care": CareEpisode,
    "on_plan": PlanEpisode,
}
# What an episode's and a child's rows are made of.
COUNTED_OF: dict[type[Any], tuple[str, ...]] = {
    CareEpisode: ("child_id", "started_on", "ended_on", "legal_status"),
    PlanEpisode: ("child_id", "started_on", "ended_on"),
}
COUNTED_CHILD = ("gender", "ethnicity", "legal_status", "birth_date")
# The columns `counted` fills, in its order.
COLUMNS = ("child_id", *EPISODE_FLOW_COUNTED)
# Rows read at a time when every child's months are added up again.
ROWS_PER_READ = 20_000


def note_flushed_changes(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    """Note the children whose episodes or characteristics this flush moves.

    A `before_flush` listener (`storage.uow`); statements that move them without the ORM
    (an erasure taking the legal status off, retention deleting a history) call
    `note_episode_children`.
    """
    children: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        dirty = instance in session.dirty
        if isinstance(instance, CareEpisode | PlanEpisode):
            if not dirty or changed(instance, COUNTED_OF[type(instance)]):
                children |= before_and_now(instance, "child_id")
        elif isinstance(instance, Child) and dirty and changed(instance, COUNTED_CHILD):
            children.add(instance.id)
    note_children(session, PENDING, children)


def note_episode_children(session: Session, child_ids: Sequence[int]) -> None:
    """Note children whose episodes a statement moved without the ORM."""
    note_children(session, PENDING, set(child_ids))


def _legal_status(model: type[CareEpisode] | type[PlanEpisode]) -> Expr:
    """A care episode's legal status, else the child's; a plan's is the child's."""
    if model is CareEpisode:
        return func.coalesce(CareEpisode.legal_status, Child.legal_status)
    return Child.legal_status


def counted(dialect: str, children: Children) -> list[Rows]:
    """Each episode's start and end rows for these children (None: every child)."""
    found: list[Rows] = []
    for population, model in POPULATIONS.items():
        where = [] if children is None else [model.child_id.in_(children)]
        flows: tuple[tuple[str, Expr, Expr, Expr | None], ...] = (
            (
                "started",
                model.started_on,
                func.lag(model.started_on).over(
                    partition_by=model.child_id, order_by=model.started_on
                ),
                dfe_age_band(Child.birth_date, model.started_on, dialect),
            ),
            # Ends of a day tie only for an episode that ends as it starts: the later row last.
            (
                "ended",
                model.ended_on,
                func.lead(model.ended_on).over(
                    partition_by=model.child_id, order_by=(model.ended_on, model.id)
                ),
                dfe_age_band(Child.birth_date, model.ended_on, dialect),
            ),
            ("open", model.started_on, model.ended_on, None),
        )
        for flow, day, other, band in flows:
            found.append(
                select(
                    model.child_id,
                    literal(population),
                    literal(flow),
                    day,
                    other,
                    Child.gender,
                    Child.ethnicity,
                    _legal_status(model),
                    null() if band is None else band,
                    Child.birth_date,
                )
                .join(Child, Child.id == model.child_id)
                .where(day.is_not(None), *where)
            )
    return found


class EpisodeFlows(ChildRows):
    """The flows' rows of the children a transaction touched, counted again, and their months
    moved by what that added and took away."""

    pending = PENDING
    model = EpisodeFlow
    columns = COLUMNS
    counted = staticmethod(counted)
    returned = EPISODE_FLOW_COUNTED

    async def recount(self) -> None:
        """Replace every child's rows with rows counted again, and every month's with theirs
        added up."""
        await super().recount()
        await self.session.execute(delete(EpisodeMonthCount))
        f = EpisodeFlow
        rows = select(*(getattr(f, name) for name in EPISODE_FLOW_COUNTED))
        found = await self.session.stream(rows.execution_options(yield_per=ROWS_PER_READ))
        months: Months = Counter()
        async for part in found.partitions():
            months.update(months_of(part))
        await self.move_kept(EpisodeMonthCount, EPISODE_MONTH_KEYS, months)

    async def replaced(self, removed: Sequence[Row[Any]], added: Sequence[Row[Any]]) -> None:
        """Move the months by what the children's rows counted again added and took away."""
        moved = months_of(added)
        moved.subtract(months_of(removed))
        # A span's months hold changes, one fewer as often as one more.
        await self.move_kept(EpisodeMonthCount, EPISODE_MONTH_KEYS, moved, signed=True)
