"""Staff, children, the Telegram accounts linked to them, and invitations."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import Select, and_, bindparam, func, select, update

from storage.models import OPEN_RUN, Child, Invitation, Participant, Run, Staff
from storage.repositories.base import Repository
from storage.repositories.funnel_counts import note_child


def hash_code(code: str) -> str:
    """The stored form of an invitation code."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


class StaffRepository(Repository):
    def add(self, staff: Staff) -> Staff:
        self.session.add(staff)
        return staff

    async def by_username(self, username: str) -> Staff | None:
        """The staff member with this username, whatever its capitals (as case refs match).

        Usernames stored before they were matched this way may differ only in capitals; the
        one written exactly so is then the one meant.
        """
        wanted = username.strip()
        query = (
            select(Staff)
            .where(func.lower(Staff.username) == wanted.lower())
            .order_by(Staff.username != wanted, Staff.id)
        )
        return (await self.session.scalars(query)).first()

    async def by_telegram_id(self, telegram_id: int) -> Staff | None:
        return await self.session.scalar(select(Staff).where(Staff.telegram_id == telegram_id))

    async def get(self, staff_id: int) -> Staff | None:
        return await self.session.get(Staff, staff_id)

    async def list(self) -> Sequence[Staff]:
        return (await self.session.scalars(select(Staff).order_by(Staff.username))).all()

    async def managers(self) -> Sequence[Staff]:
        query = select(Staff).where(Staff.role == "manager").order_by(Staff.id)
        return (await self.session.scalars(query)).all()


class ChildRepository(Repository):
    def add(self, child: Child) -> Child:
        self.session.add(child)
        return child

    async def by_case_ref(self, case_ref: str) -> Child | None:
        """The child with this case reference, whatever its capitals.

        References are stored as first written, and the bot upper-cases what staff type; the
        exact match comes first (and uses the index), then one in any capitals.
        """
        exact = await self.session.scalar(select(Child).where(Child.case_ref == case_ref))
        if exact is not None:
            return exact
        found = await self.matching(case_ref)
        return found[0] if len(found) == 1 else None

    async def get(self, child_id: int) -> Child | None:
        return await self.session.get(Child, child_id)

    async def matching(self, case_ref: str) -> Sequence[Child]:
        """Children whose case reference is `case_ref` in any mix of capitals."""
        query = select(Child).where(func.lower(Child.case_ref) == case_ref.strip().lower())
        return (await self.session.scalars(query.order_by(Child.id))).all()

    async def listed(self, child_ids: Sequence[int] | None) -> Sequence[Child]:
        """These children (every child for None), by case reference in any capitals (fx-1002
        between FX-1001 and FX-1003, as people read them, on every database)."""
        query = select(Child).order_by(func.lower(Child.case_ref), Child.case_ref)
        if child_ids is not None:
            query = query.where(Child.id.in_(child_ids))
        return (await self.session.scalars(query)).all()

    async def count_by_iro(self) -> dict[int | None, int]:
        """How many children each IRO has (None: not allocated)."""
        query = select(Child.iro_id, func.count(Child.id)).group_by(Child.iro_id)
        return {iro_id: int(count) for iro_id, count in await self.session.execute(query)}

    async def allocated_to(self, iro_id: int) -> Sequence[Child]:
        query = select(Child).where(Child.iro_id == iro_id).order_by(Child.case_ref)
        return (await self.session.scalars(query)).all()

    async def by_case_refs(self, case_refs: Sequence[str]) -> dict[str, Child]:
        """Children with these references in any capitals, keyed by the reference lower-cased.

        Two children whose references differ only in capitals (stored before references were
        matched this way) share a key: the one written exactly as asked wins.
        """
        wanted = {ref.strip().lower() for ref in case_refs}
        query = select(Child).where(func.lower(Child.case_ref).in_(wanted)).order_by(Child.id)
        found: dict[str, Child] = {}
        for child in await self.session.scalars(query):
            key = child.case_ref.lower()
            if key not in found or child.case_ref in case_refs:
                found[key] = child
        return found


class ParticipantRepository(Repository):
    def add(self, participant: Participant) -> Participant:
        self.session.add(participant)
        return participant

    async def get(self, participant_id: int) -> Participant | None:
        return await self.session.get(Participant, participant_id)

    async def for_telegram_id(self, telegram_id: int) -> Sequence[Participant]:
        """Every link this Telegram account has, newest first."""
        query = (
            select(Participant)
            .where(Participant.telegram_id == telegram_id)
            .order_by(Participant.id.desc())
        )
        return (await self.session.scalars(query)).all()

    async def with_open_runs(
        self, telegram_id: int, run_id: int | None = None
    ) -> list[tuple[Participant, Run | None, Child | None]]:
        """Every link this account has, newest first, each with its linked child and open
        runs (the run last touched first; only `run_id`, if given), in one query.

        A link with no open run comes once, with None for the run.
        """
        if run_id is None:
            rows = await self.session.execute(_links(False), {"telegram_id": telegram_id})
        else:
            values = {"telegram_id": telegram_id, "run_id": run_id}
            rows = await self.session.execute(_links(True), values)
        return [(link, run, child) for link, run, child in rows]

    async def find_link(
        self, telegram_id: int, role: str, child_id: int | None, staff_id: int | None
    ) -> Participant | None:
        query = select(Participant).where(
            Participant.telegram_id == telegram_id,
            Participant.role == role,
            Participant.child_id.is_(None)
            if child_id is None
            else Participant.child_id == child_id,
            Participant.staff_id.is_(None)
            if staff_id is None
            else Participant.staff_id == staff_id,
        )
        return await self.session.scalar(query)

    async def for_child(self, child_id: int) -> Sequence[Participant]:
        return await self.for_children([child_id])

    async def for_children(self, child_ids: Sequence[int]) -> Sequence[Participant]:
        if not child_ids:
            return []
        query = select(Participant).where(Participant.child_id.in_(child_ids))
        return (await self.session.scalars(query.order_by(Participant.id))).all()


class InvitationRepository(Repository):
    def add(self, invitation: Invitation) -> Invitation:
        self.session.add(invitation)
        return invitation

    async def roles_invited(self, child_ids: Sequence[int]) -> set[tuple[int, str]]:
        """(child id, role) for every invitation made for these children."""
        if not child_ids:
            return set()
        query = select(Invitation.child_id, Invitation.role).where(
            Invitation.child_id.in_(child_ids)
        )
        rows = await self.session.execute(query)
        return {(child_id, role) for child_id, role in rows if child_id is not None}

    async def by_code(self, code: str) -> Invitation | None:
        query = select(Invitation).where(Invitation.code_hash == hash_code(code))
        return await self.session.scalar(query)

    async def claim(self, invitation: Invitation, now: datetime) -> bool:
        """Mark the invitation used; False if another request used it first."""
        result = await self.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
            .values(used_at=now)
        )
        claimed = bool(result.rowcount)  # type: ignore[attr-defined]
        if claimed:
            invitation.used_at = now
            # A statement: the funnel's rows of the child move without the ORM seeing it.
            note_child(self.session.sync_session, invitation.child_id)
        return claimed


@cache
def _links(one_run: bool) -> Select[Participant, Run, Child]:
    """An account's links with their children and open runs (one named run, if `one_run`):
    built once, as every input reads it; the account and run come as parameters."""
    open_run = and_(Run.participant_id == Participant.id, Run.status.in_(OPEN_RUN))
    if one_run:
        open_run = and_(open_run, Run.id == bindparam("run_id"))
    return (
        select(Participant, Run, Child)
        .outerjoin(Run, open_run)
        .outerjoin(Child, Child.id == Participant.child_id)
        .where(Participant.telegram_id == bindparam("telegram_id"))
        .order_by(Participant.id.desc(), Run.updated_at.desc())
    )
