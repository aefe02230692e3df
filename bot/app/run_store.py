"""Keeping runs in the database: the engine's value encrypted whole, one row per answer.

Answers are stored from the engine's own events (`AnswerRecorded`, `Skipped`,
`AnswersDropped`), in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.app.ports import Clock, UnitOfWork
from conversations.engine import Transition, current_prompt, start
from conversations.events import AnswerRecorded, AnswersDropped, Event, Skipped
from conversations.flow_spec import Flow
from conversations.runs import Run as EngineRun
from conversations.runs import RunContext, RunStatus
from storage.models import Participant, Review, Run

# The themes a free-text answer mentions, stored beside it (when the run is sent) for the
# reader of the record and the feedback report.
TextAnalyser = Callable[[str], tuple[str, ...]]
# Work that follows a sent run of one flow (an IRO's outcome updates the review), done in
# the same transaction as the send.
SubmitHook = Callable[[UnitOfWork, Run, Flow, EngineRun], Awaitable[None]]
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
        row = Run(
            participant_id=participant.id,
            review_id=review.id if review else None,
            flow_id=flow.id,
            started_at=now,
            **_columns(flow, transition.run),
        )
        uow.runs.write_state(row, transition.run.to_dict())
        uow.runs.add(row)
        await uow.flush()
        return Started(tuple(transition.events), row.id, False, others_open)

    def retire(self, row: Run) -> None:
        """Close a run its flow can no longer continue, so it never blocks the person."""
        row.status = RunStatus.cancelled.value
        row.updated_at = self.clock()

    async def save(
        self,
        uow: UnitOfWork,
        row: Run,
        flow: Flow,
        before: EngineRun,
        transition: Transition,
    ) -> None:
        """Store the run after a transition: its state, and the answers its events changed."""
        after = transition.run
        columns = _columns(flow, after)
        sent = after.status is RunStatus.submitted and row.submitted_at is None
        if sent:
            columns["submitted_at"] = after.updated_at
        await uow.runs.save_state(row, after.to_dict(), **columns)
        for event in transition.events:
            if isinstance(event, AnswerRecorded):
                if before.answers.get(event.step_id) != event.value:
                    await self._put_answer(uow, row.id, flow, event, after.updated_at)
            elif isinstance(event, Skipped):
                if event.step_id in before.answers:
                    await uow.runs.drop_answers(row.id, [event.step_id])
            elif isinstance(event, AnswersDropped):
                await uow.runs.drop_answers(row.id, event.step_ids)
        if sent:
            await self._note_themes(uow, row.id, flow, after)
            # Counted as it is sent: the report never reads every answer again.
            await uow.report_counts.count_sent(row)
            hook = self.on_submitted.get(flow.id)
            if hook is not None:
                await hook(uow, row, flow, after)
            for any_hook in self.on_any_submitted:
                await any_hook(uow, row, flow, after)

    @staticmethod
    async def _put_answer(
        uow: UnitOfWork, run_id: int, flow: Flow, event: AnswerRecorded, now: datetime
    ) -> None:
        step = flow.step(event.step_id)
        kind = step.kind if step else "text"
        value = event.value
        if kind == "text":
            text, choice = str(value), None
        else:
            text, choice = None, ",".join(value) if isinstance(value, list) else value
        await uow.runs.put_answer(
            run_id, event.step_id, kind, choice=choice, text=text, theme=event.theme, now=now
        )

    async def _note_themes(self, uow: UnitOfWork, run_id: int, flow: Flow, run: EngineRun) -> None:
        """Store the themes each typed answer mentions, once, as the run is sent.

        Only sent runs are read (the record, the feedback report, the figures kept after
        deletion), so the words are read for themes here rather than at every answer.
        """
        for step_id, value in run.answers.items():
            step = flow.step(step_id)
            themes = self.analyse(str(value)) if step is not None and step.kind == "text" else ()
            if themes:
                await uow.runs.note_themes(run_id, step_id, ",".join(themes))


def _columns(flow: Flow, run: EngineRun) -> dict[str, Any]:
    """The run's columns that follow from the engine's value (stored beside it)."""
    share_with = flow.answer_for("share_with", run.answers)
    return {
        "status": run.status.value,
        "flow_version": run.flow_version,
        "current_step": run.current_step,
        "locale": run.context.locale,
        "updated_at": run.updated_at,
        "share_with": share_with if isinstance(share_with, str) else None,
    }
