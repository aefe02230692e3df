"""The outcome of a meeting recorded on one form (the staff workspace), checked by the same
flow and engine as `/outcome` in the bot: the held date may not be in the future, one more
than 30 days before the due day must be confirmed, PN0 is offered only for a child under 4.

The form's answers are fed to the engine (`flow_forms`); once it has all of them, the outcome
is applied to the review exactly as the bot's flow applies it (`outcomes.apply_outcome`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.app.dates import meeting_kind
from bot.app.flow_forms import FormResult, fill, questions
from bot.app.outcomes import apply_outcome, meeting_to_record, outcome_context
from bot.app.ports import Services, UnitOfWork
from bot.app.staff_access import StaffKey, child_for, staff_member
from conversations.events import Asked
from conversations.flow_spec import Flow
from storage.models import Child, Review


class NoMeeting(Exception):
    """The child has no meeting to record (or none due on the day asked)."""

    def __init__(self, case_ref: str) -> None:
        super().__init__(case_ref)
        self.case_ref = case_ref  # as stored, whatever capitals the asker typed


@dataclass(frozen=True)
class OutcomeForm:
    """The form for one meeting: its questions as the flow words them for this child."""

    case_ref: str
    due_date: date
    meeting: str
    questions: tuple[Asked, ...]
    # Other meetings due within 90 days either side, to pick instead.
    others: tuple[tuple[date, str], ...]
    already_recorded: bool


async def _meeting(
    uow: UnitOfWork, services: Services, who: StaffKey, case_ref: str, due: date | None
) -> tuple[Child, Review, list[Review]]:
    today = services.today().date()
    staff = await staff_member(uow, who)
    child = await child_for(uow, staff, case_ref)
    review, recent = await meeting_to_record(uow, child.id, today, due)
    if review is None:
        raise NoMeeting(child.case_ref)
    return child, review, recent


async def outcome_form(
    services: Services, flow: Flow, who: StaffKey, case_ref: str, due: date | None = None
) -> OutcomeForm:
    """The form for the child's meeting due on `due`, or their latest one."""
    async with services.uow() as uow:
        child, review, recent = await _meeting(uow, services, who, case_ref, due)
        context = outcome_context(child, review)
        return OutcomeForm(
            child.case_ref,
            review.due_date,
            str(context.meeting_day),
            questions(flow, context),
            tuple((r.due_date, meeting_kind(r.kind)) for r in recent if r.id != review.id),
            review.held_on is not None or review.participation is not None,
        )


async def submit_outcome_form(
    services: Services,
    flow: Flow,
    who: StaffKey,
    case_ref: str,
    due: date | None,
    values: Mapping[str, str],
    *,
    confirmed: bool = False,
) -> FormResult:
    """Check the form's answers with the outcome flow and, if it takes them, record them."""
    async with services.uow() as uow:
        child, review, _ = await _meeting(uow, services, who, case_ref, due)
        context = outcome_context(child, review)
        filled = fill(flow, context, values, services.clock(), confirmed=confirmed)
        if isinstance(filled, FormResult):
            return filled
        staff = await staff_member(uow, who)
        await apply_outcome(
            uow, review, flow, filled.answers, services.clock(), f"staff:{staff.id}"
        )
        await uow.commit()
        return FormResult(True, values=values)
