"""Deleting runs and invitations, first keeping what the participation report counts of them.

Retention and erasure both delete runs; the report must give the same figures for a past
period afterwards. So before a run goes, a `RunSummary` keeps who-counts-as-whom (a number,
no account), the meeting, the flow, the status and the dates; for a parent's or carer's run,
`AnswerSummary` rows keep the options chosen and the themes found in their words (never the
words). An erased invitation leaves an `InvitationSummary` (role and dates).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update

from storage.models import (
    Answer,
    AnswerSummary,
    ChildRequest,
    Flag,
    Invitation,
    InvitationSummary,
    Participant,
    Run,
    RunSummary,
)
from storage.repositories.base import Repository

# Whose runs the report counts, and whose answers it counts (feedback_reports mirrors these).
COUNTED_ROLES = ("child", "parent", "carer")
FEEDBACK_ROLES = ("parent", "carer")
CHOICE_KINDS = ("choice", "yesno", "scale")


class KeptFigures(Repository):
    """Deletes runs and invitations in the caller's transaction, summarising them first."""

    async def delete_runs(self, run_ids: Sequence[int]) -> int:
        """Summarise, then delete these runs and their answers; return the answers deleted.

        A flag raised in one of the runs keeps its own copy of the words and stays, no
        longer pointing at the run.
        """
        run_ids = await self._take(Run.id, run_ids)
        if not run_ids:
            return 0
        await self._summarise_runs(run_ids)
        await self.session.execute(
            update(Flag).where(Flag.run_id.in_(run_ids)).values(run_id=None)
        )
        # A request lives and goes with the run it was made in (its note is the IRO's words
        # to the child); the report does not count requests.
        await self.session.execute(delete(ChildRequest).where(ChildRequest.run_id.in_(run_ids)))
        answers = await self.session.execute(delete(Answer).where(Answer.run_id.in_(run_ids)))
        await self.session.execute(delete(Run).where(Run.id.in_(run_ids)))
        return int(answers.rowcount)  # type: ignore[attr-defined]

    async def delete_invitations(self, invitation_ids: Sequence[int]) -> None:
        """Summarise, then delete these invitations."""
        invitation_ids = await self._take(Invitation.id, invitation_ids)
        if not invitation_ids:
            return
        rows = await self.session.execute(
            select(
                Invitation.child_id, Invitation.role, Invitation.created_at, Invitation.used_at
            ).where(
                Invitation.id.in_(invitation_ids),
                Invitation.role.in_(COUNTED_ROLES),
                Invitation.child_id.is_not(None),
            )
        )
        self.session.add_all(
            InvitationSummary(child_id=child_id, role=role, created_at=made, used_at=used)
            for child_id, role, made, used in rows
        )
        await self.session.flush()
        await self.session.execute(delete(Invitation).where(Invitation.id.in_(invitation_ids)))

    async def _take(self, key: Any, ids: Sequence[int]) -> Sequence[int]:
        """Lock these rows, leaving out any another worker is deleting (PostgreSQL), so two
        workers running retention at once never summarise the same row twice."""
        if not ids:
            return []
        query = select(key).where(key.in_(ids)).with_for_update(skip_locked=True)
        return (await self.session.scalars(query)).all()

    async def renumber_people(self, child_id: int, participant_ids: Sequence[int]) -> None:
        """Renumber the summaries of participants about to be deleted.

        A deleted participant's id may be handed out again (SQLite reuses the highest), so
        their summaries take minus their own smallest summary id: unique, and never positive.
        """
        for participant_id in participant_ids:
            mine = (RunSummary.child_id == child_id) & (
                RunSummary.participant_key == participant_id
            )
            first = await self.session.scalar(select(func.min(RunSummary.id)).where(mine))
            if first is not None:
                await self.session.execute(
                    update(RunSummary).where(mine).values(participant_key=-first)
                )

    async def _summarise_runs(self, run_ids: Sequence[int]) -> None:
        rows = (
            await self.session.execute(
                select(
                    Run.id,
                    Run.participant_id,
                    Run.review_id,
                    Run.flow_id,
                    Run.status,
                    Run.started_at,
                    Run.submitted_at,
                    Participant.role,
                    Participant.child_id,
                )
                .join(Participant, Participant.id == Run.participant_id)
                .where(
                    Run.id.in_(run_ids),
                    Participant.role.in_(COUNTED_ROLES),
                    Participant.child_id.is_not(None),
                )
                .order_by(Run.id)
            )
        ).all()
        summaries = {
            row.id: RunSummary(
                child_id=row.child_id,
                review_id=row.review_id,
                participant_key=row.participant_id,
                role=row.role,
                flow_id=row.flow_id,
                status=row.status,
                started_at=row.started_at,
                submitted_at=row.submitted_at,
            )
            for row in rows
        }
        self.session.add_all(summaries.values())
        await self.session.flush()
        feedback = [row.id for row in rows if row.role in FEEDBACK_ROLES]
        if not feedback:
            return
        answers = await self.session.scalars(
            select(Answer)
            .where(
                Answer.run_id.in_(feedback),
                (Answer.kind.in_(CHOICE_KINDS) & Answer.choice.is_not(None))
                | Answer.text_themes.is_not(None),
            )
            .order_by(Answer.id)
        )
        self.session.add_all(
            AnswerSummary(
                run_summary_id=summaries[answer.run_id].id,
                step_id=answer.step_id,
                kind=answer.kind,
                # Free text is never kept: only an option id, and only for option questions.
                choice=answer.choice if answer.kind in CHOICE_KINDS else None,
                text_themes=answer.text_themes,
            )
            for answer in answers
        )
        await self.session.flush()
