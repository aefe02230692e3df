"""Erasing a child on request: the writes that remove them, and the tombstone that stays.

What figures need (the child row's birth date and gender, the meetings, summaries of runs
and invitations) stays; everything that names or reaches the child, or holds anyone's words
about them, goes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update

from storage.models import (
    CareEpisode,
    Child,
    ErasedChild,
    Flag,
    Invitation,
    OutboxMessage,
    Participant,
    Review,
)
from storage.repositories.base import Repository
from storage.repositories.episode_flows import note_episode_children

# What a flag shows where the words were, once they are erased.
ERASED_WORDS = "(deleted when the child's data was erased)"


def case_ref_hash(case_ref: str) -> str:
    """The tombstone's form of a case reference: SHA-256 of it, whatever its capitals."""
    return hashlib.sha256(case_ref.strip().casefold().encode("utf-8")).hexdigest()


def erased_case_ref(child_id: int) -> str:
    """What an erased child's row carries instead of the case reference."""
    return f"erased-{child_id}"


class ErasureRepository(Repository):
    """The caller deletes runs and invitations through `KeptFigures` first, then these."""

    async def tombstone(self, case_ref: str) -> ErasedChild | None:
        """The latest erasure of this case reference (any capitals), if any."""
        query = (
            select(ErasedChild)
            .where(ErasedChild.case_ref_hash == case_ref_hash(case_ref))
            .order_by(ErasedChild.erased_at.desc(), ErasedChild.id.desc())
        )
        return await self.session.scalar(query.limit(1))

    async def erased_row(self, child_id: int) -> bool:
        """Tell whether this child row is what an erasure left."""
        query = select(ErasedChild.id).where(ErasedChild.child_id == child_id).limit(1)
        return await self.session.scalar(query) is not None

    async def clear_flags(self, flag_ids: Sequence[int]) -> None:
        """Keep the flags as records of what was done, without the words or who wrote them."""
        if not flag_ids:
            return
        await self.session.execute(
            update(Flag)
            .where(Flag.id.in_(flag_ids))
            .values(
                text_cipher=self.cipher.encrypt(ERASED_WORDS),
                close_note_cipher=None,
                participant_id=None,
                run_id=None,
            )
        )

    async def chats_of_nobody_else(self, participant_ids: Sequence[int]) -> list[int]:
        """Telegram chats of these participants that no other link uses."""
        others = select(Participant.telegram_id).where(Participant.id.not_in(participant_ids))
        query = select(Participant.telegram_id).where(
            Participant.id.in_(participant_ids), Participant.telegram_id.not_in(others)
        )
        return sorted(set(await self.session.scalars(query)))

    async def delete_messages(self, flag_ids: Sequence[int], chat_ids: Sequence[int]) -> int:
        """Delete outbox messages about these flags or to these chats; return how many."""
        result = await self.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.flag_id.in_(flag_ids) | OutboxMessage.chat_id.in_(chat_ids)
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def delete_participants(self, participant_ids: Sequence[int]) -> None:
        if not participant_ids:
            return
        await self.session.execute(
            update(Invitation)
            .where(Invitation.used_by_id.in_(participant_ids))
            .values(used_by_id=None)
        )
        await self.session.execute(delete(Participant).where(Participant.id.in_(participant_ids)))

    async def scrub_child(self, child: Child, now: datetime) -> ErasedChild:
        """Take the case reference and what the report does not count off the child row.

        Birth date and gender stay (the report's breakdowns by age band and gender count
        past meetings by them); the meetings stay, without the IRO's notes to the child; so
        do the periods in care (without their legal status, as the child row loses its own),
        plans, allocations and challenges, which hold dates and codes, never words.
        """
        tombstone = ErasedChild(
            case_ref_hash=case_ref_hash(child.case_ref), child_id=child.id, erased_at=now
        )
        self.session.add(tombstone)
        child.case_ref = erased_case_ref(child.id)
        child.ethnicity = None
        child.legal_status = None
        child.iro_id = None
        await self.session.execute(
            update(Review).where(Review.child_id == child.id).values(note_to_child_cipher=None)
        )
        await self.session.execute(
            update(CareEpisode).where(CareEpisode.child_id == child.id).values(legal_status=None)
        )
        # Its periods' legal status goes: the children's tables' flows of it move.
        note_episode_children(self.session.sync_session, [child.id])
        await self.session.flush()
        return tombstone
