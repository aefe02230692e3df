"""Everything held about one child: read for a subject access request, found for an erasure."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from storage.models import (
    AnswerSummary,
    AuditEvent,
    CareEpisode,
    Challenge,
    ChildRequest,
    Flag,
    Invitation,
    InvitationSummary,
    IroAllocation,
    Participant,
    PlanEpisode,
    Review,
    Run,
    RunSummary,
)
from storage.repositories.base import Repository


def participant_actor(participant_id: int) -> str:
    """How the audit log names a participant who did something."""
    return f"participant:{participant_id}"


class ChildRecords(Repository):
    """Reads of one child's rows in every table, oldest first."""

    async def reviews(self, child_id: int) -> Sequence[Review]:
        query = select(Review).where(Review.child_id == child_id)
        return (await self.session.scalars(query.order_by(Review.due_date, Review.id))).all()

    async def care_episodes(self, child_id: int) -> Sequence[CareEpisode]:
        query = select(CareEpisode).where(CareEpisode.child_id == child_id)
        return (await self.session.scalars(query.order_by(CareEpisode.started_on))).all()

    async def plans(self, child_id: int) -> Sequence[PlanEpisode]:
        query = select(PlanEpisode).where(PlanEpisode.child_id == child_id)
        return (await self.session.scalars(query.order_by(PlanEpisode.started_on))).all()

    async def allocations(self, child_id: int) -> Sequence[IroAllocation]:
        query = select(IroAllocation).where(IroAllocation.child_id == child_id)
        return (await self.session.scalars(query.order_by(IroAllocation.started_on))).all()

    async def challenges(self, child_id: int) -> Sequence[Challenge]:
        query = select(Challenge).where(Challenge.child_id == child_id)
        return (await self.session.scalars(query.order_by(Challenge.raised_on))).all()

    async def invitations(self, child_id: int) -> Sequence[Invitation]:
        query = select(Invitation).where(Invitation.child_id == child_id)
        return (await self.session.scalars(query.order_by(Invitation.id))).all()

    async def runs(self, child_id: int) -> Sequence[Run]:
        """Runs by the child's participants, and anyone's runs for the child's meetings."""
        theirs = select(Participant.id).where(Participant.child_id == child_id)
        meetings = select(Review.id).where(Review.child_id == child_id)
        query = select(Run).where(Run.participant_id.in_(theirs) | Run.review_id.in_(meetings))
        return (await self.session.scalars(query.order_by(Run.id))).all()

    async def flags(self, child_id: int) -> Sequence[Flag]:
        """Flags about the child or raised by one of their participants."""
        theirs = select(Participant.id).where(Participant.child_id == child_id)
        query = select(Flag).where((Flag.child_id == child_id) | Flag.participant_id.in_(theirs))
        return (await self.session.scalars(query.order_by(Flag.id))).all()

    async def requests(self, child_id: int) -> Sequence[ChildRequest]:
        query = select(ChildRequest).where(ChildRequest.child_id == child_id)
        return (await self.session.scalars(query.order_by(ChildRequest.id))).all()

    async def audit_events(
        self, child_id: int, participant_ids: Sequence[int]
    ) -> Sequence[AuditEvent]:
        """Events about the child, and those of their participants about no child in particular."""
        actors = [participant_actor(pid) for pid in participant_ids]
        query = select(AuditEvent).where(
            (AuditEvent.child_id == child_id)
            | (AuditEvent.child_id.is_(None) & AuditEvent.actor.in_(actors))
        )
        return (await self.session.scalars(query.order_by(AuditEvent.at, AuditEvent.id))).all()

    async def run_summaries(self, child_id: int) -> Sequence[RunSummary]:
        query = select(RunSummary).where(RunSummary.child_id == child_id)
        return (await self.session.scalars(query.order_by(RunSummary.id))).all()

    async def answer_summaries(self, run_summary_ids: Sequence[int]) -> Sequence[AnswerSummary]:
        query = select(AnswerSummary).where(AnswerSummary.run_summary_id.in_(run_summary_ids))
        return (await self.session.scalars(query.order_by(AnswerSummary.id))).all()

    async def invitation_summaries(self, child_id: int) -> Sequence[InvitationSummary]:
        query = select(InvitationSummary).where(InvitationSummary.child_id == child_id)
        return (await self.session.scalars(query.order_by(InvitationSummary.id))).all()
