"""Keeping runs in the database: the engine's value encrypted whole, one row per answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.app.ports import Clock, UnitOfWork
from conversations.engine import Transition, current_prompt, start
from conversations.events import Event
from conversations.flow_spec import Flow
from conversations.runs import AnswerValue, RunContext, RunStatus
from conversations.runs import Run as EngineRun
from storage.models import Participant, Review, Run

# The themes a free-text answer mentions, stored beside it for the reader of the record.
TextAnalyser = Callable[[str], tuple[str, ...]]
# Work that follows a sent run of one flow (an IRO's outcome updates the review), done in
# the same transaction as the send.
SubmitHook = Callable[[UnitOfWork, Run, EngineRun], Awaitable[None]]
# Work that follows every sent run, whatever its flow (a child's requests reach the IRO).
AnySubmitHook = Callable[[UnitOfWork, Run, Flow, EngineRun], Awaitable[object]]


@dataclass(frozen=True)
class Started:
    events: tuple[Event, ...]
    run_id: int
    resumed: bool
    # Another flow (or meeting) of this person's is open, kept for later.
    others_open: bool = False


class RunStore:
    """Starts, resumes and saves runs; knows nothing of Telegram."""

    def __init__(
        self,
        analyse: TextAnalyser,
        clock: Clock,
        on_submitted: Mapping[str, SubmitHook] | None = None,
        on_any_submitted: Sequence[AnySubmitHook] = (),
    ) -> None:
        self.analyse = analyse
        self.clock = clock
        self.on_submitted = dict(on_submitted or {})
        self.on_any_submitted = tuple(on_any_submitted)

    async def start_or_resume(
        self,
        uow: UnitOfWork,
        participant: Participant,
        flow: Flow,
        review: Review | None,
        context: RunContext,
    ) -> Started:
        """Resume this person's open run of the flow for this meeting, or start one."""
        this = (flow.id, review.id if review else None)
        open_runs = await uow.runs.open_for(participant.id)
        others_open = any((run.flow_id, run.review_id) != this for run in open_runs)
        for open_run in open_runs:
            if (open_run.flow_id, open_run.review_id) == this:
                state = EngineRun.from_dict(uow.runs.read_state(open_run))
                events = tuple(current_prompt(flow, state))
                if events:
                    return Started(events, open_run.id, True, others_open)
                # The flow file changed under this run (its step is gone): start afresh.
                self.retire(open_run)
        now = self.clock()
        transition = start(flow, context, now)
        row = uow.runs.add(
            Run(
                participant_id=participant.id,
                review_id=review.id if review else None,
                flow_id=flow.id,
                flow_version=flow.version,
                status=RunStatus.waiting.value,
                started_at=now,
                updated_at=now,
                state_cipher=b"",
            )
        )
        await uow.flush()
        await self.save(uow, row, flow, None, transition)
        return Started(tuple(transition.events), row.id, False, others_open)

    def retire(self, row: Run) -> None:
        """Close a run its flow can no longer continue, so it never blocks the person."""
        row.status = RunStatus.cancelled.value
        row.updated_at = self.clock()
        row.prompt_message_id = None

    async def save(
        self,
        uow: UnitOfWork,
        row: Run,
        flow: Flow,
        before: EngineRun | None,
        transition: Transition,
    ) -> None:
        """Store the run after a transition: its state, and only the answers that changed."""
        after = transition.run
        now = after.updated_at
        row.status = after.status.value
        row.current_step = after.current_step
        row.updated_at = now
        share_with = after.answers.get("share_with")
        row.share_with = share_with if isinstance(share_with, str) else None
        if after.status is not RunStatus.waiting:
            row.prompt_message_id = None
        uow.runs.write_state(row, after.to_dict())
        old = before.answers if before else {}
        for step_id, value in after.answers.items():
            if old.get(step_id) != value:
                await self._put_answer(uow, row.id, flow, step_id, value)
        if set(old) - set(after.answers):
            await uow.runs.drop_answers_except(row.id, list(after.answers))
        if after.status is RunStatus.submitted and row.submitted_at is None:
            row.submitted_at = now
            hook = self.on_submitted.get(flow.id)
            if hook is not None:
                await hook(uow, row, after)
            for any_hook in self.on_any_submitted:
                await any_hook(uow, row, flow, after)

    async def _put_answer(
        self, uow: UnitOfWork, run_id: int, flow: Flow, step_id: str, value: AnswerValue
    ) -> None:
        step = flow.step(step_id)
        kind = step.kind if step else "text"
        theme = step.theme if step else None
        now = self.clock()
        if kind == "text":
            themes = self.analyse(str(value))
            await uow.runs.put_answer(
                run_id,
                step_id,
                kind,
                choice=None,
                text=str(value),
                theme=theme,
                now=now,
                text_themes=",".join(themes) or None,
            )
            return
        choice = ",".join(value) if isinstance(value, list) else value
        await uow.runs.put_answer(
            run_id, step_id, kind, choice=choice, text=None, theme=theme, now=now
        )
