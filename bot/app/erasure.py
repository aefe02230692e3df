"""Erasure: delete a child's accounts, runs, answers and invitations on request, in one go.

What stays: the meetings (with participation codes), the child row without its case
reference (birth date and gender, which the report's breakdowns count), summaries of the runs
and invitations (no words, no account), the safeguarding flags without their words, the audit
log, and a tombstone with the case reference's hash and the date. So the participation
report gives the same figures before and after, and nothing left names the child.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.app.admin import AdminError
from bot.app.ports import Services, UnitOfWork
from bot.app.subject_access import find_child
from storage.models import Child


@dataclass(frozen=True)
class ErasureCounts:
    """What an erasure of one child deletes (or deleted): rows by kind."""

    case_ref: str
    participants: int
    runs: int
    answers: int
    invitations: int
    flags_cleared: int


async def plan_erasure(services: Services, case_ref: str) -> ErasureCounts:
    """Count what erasing the child would delete, changing nothing."""
    async with services.uow() as uow:
        child = await _erasable(uow, case_ref)
        runs = await uow.child_records.runs(child.id)
        answers = [len(await uow.runs.answers(run.id)) for run in runs]
        return ErasureCounts(
            case_ref=child.case_ref,
            participants=len(await uow.participants.for_child(child.id)),
            runs=len(runs),
            answers=sum(answers),
            invitations=len(await uow.child_records.invitations(child.id)),
            flags_cleared=len(await uow.child_records.flags(child.id)),
        )


async def erase_child(services: Services, case_ref: str, actor: str = "cli") -> ErasureCounts:
    """Erase the child in one transaction (all of it, or nothing); audit what went."""
    now = services.clock()
    async with services.uow() as uow:
        child = await _erasable(uow, case_ref)
        erased = await _erase(uow, child.id)
        counts = ErasureCounts(child.case_ref, **erased)
        tombstone = await uow.erasure.scrub_child(child, now)
        uow.audit.record(now, actor, "child_erased", child.id, tombstone=tombstone.id, **erased)
        await uow.commit()
    return counts


async def _erasable(uow: UnitOfWork, case_ref: str) -> Child:
    child = await find_child(uow, case_ref)
    if await uow.erasure.erased_row(child.id):
        raise AdminError(f"{child.case_ref} is what an erasure left; there is nothing to erase")
    return child


async def _erase(uow: UnitOfWork, child_id: int) -> dict[str, int]:
    """Delete what names or reaches the child, in the order the foreign keys need."""
    participant_ids = [p.id for p in await uow.participants.for_child(child_id)]
    # Flags are found through the participants too, so before they go.
    flag_ids = [flag.id for flag in await uow.child_records.flags(child_id)]
    run_ids = [run.id for run in await uow.child_records.runs(child_id)]
    answers = await uow.kept_figures.delete_runs(run_ids)
    await uow.kept_figures.renumber_people(child_id, participant_ids)
    invitation_ids = [i.id for i in await uow.child_records.invitations(child_id)]
    await uow.kept_figures.delete_invitations(invitation_ids)
    chats = await uow.erasure.chats_of_nobody_else(participant_ids)
    await uow.erasure.delete_messages(flag_ids, chats)
    await uow.erasure.clear_flags(flag_ids)
    await uow.web_chats.delete_for_child(child_id)
    await uow.erasure.delete_participants(participant_ids)
    return {
        "participants": len(participant_ids),
        "runs": len(run_ids),
        "answers": answers,
        "invitations": len(invitation_ids),
        "flags_cleared": len(flag_ids),
    }
