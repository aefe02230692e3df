"""Running flows for participants: picking the flow, feeding inputs, storing every answer.

Each call is one transaction: the update id, the screened text, any safeguarding flag and
its alerts, and the new state of the run and its answers are committed together before the
caller replies.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from bot.app.buttons import RunButton
from bot.app.ports import RunNote, Services, UnitOfWork, UpdateKey
from bot.app.replies import Notice, Outcome, Position, SentRun
from bot.app.run_store import RunStore
from bot.app.safeguarding import Screened, Screening, raise_flag
from bot.app.texts import command_in
from conversations.catalogue import DEFAULT_LOCALE
from conversations.engine import current_prompt, handle, reads_as_button
from conversations.events import (
    Asked,
    Input,
    Rejected,
    SummaryItem,
    SummaryShown,
    Text,
)
from conversations.flow_ids import FlowId
from conversations.flow_spec import Flow
from conversations.flow_versions import FlowLibrary
from conversations.messages import on_day
from conversations.review_kinds import VIEWS_FLOW
from conversations.runs import Run as EngineRun
from conversations.runs import RunContext, RunStatus, age_band_for, age_on
from conversations.safeguarding import Level, ScreeningContext
from storage.models import Child, Participant, Review, Run

logger = logging.getLogger(__name__)

AUTHOR_CACHE_SIZE = 100_000
# The engine's reason for refusing a run whose flow file no longer has its step.
FLOW_CHANGED = "flow_changed"


class Purpose(StrEnum):
    """What a participant asked to do, by command."""

    review = "review"
    feedback = "feedback"
    checkin = "checkin"


class Conversations:
    """Participants' conversations, stored in the database and run by the flow engine."""

    def __init__(
        self,
        services: Services,
        flows: FlowLibrary,
        screening: Screening,
        store: RunStore,
    ) -> None:
        self.services = services
        self.flows = flows
        self.screening = screening
        self.store = store
        # Who each account last wrote as, so screening without the database still knows
        # a parent from a child. Bounded: an outage needs it only for recent writers.
        self._authors: dict[int, str] = {}

    async def begin(
        self,
        telegram_id: int,
        update: UpdateKey,
        purpose: Purpose,
        note: RunNote | None = None,
    ) -> Outcome:
        """Start (or resume) the flow that fits this participant's next or last meeting;
        the channel's `note` about the run joins the transaction."""
        now = self.services.clock()
        async with self.services.uow() as uow:
            if not await uow.updates.first_time(update, now):
                return Outcome(notices=(Notice.duplicate,))
            participant = await _participant(uow, telegram_id)
            if participant is None or participant.child_id is None:
                notice = Notice.staff_only if participant else Notice.not_linked
                return Outcome(notices=(notice,), locale=_locale_of(participant))
            child = await uow.children.get(participant.child_id)
            assert child is not None
            today = self.services.today().date()
            choice = await self._choose_flow(uow, participant, child, purpose, today)
            if isinstance(choice, Notice):
                await uow.commit()
                return Outcome(notices=(choice,), locale=participant.locale)
            flow, review = choice
            iro = await uow.staff.get(child.iro_id) if child.iro_id else None
            context = RunContext(
                audience=participant.role,
                age_band=_age_band(child, today),
                review_kind=review.kind if review else None,
                locale=participant.locale,
                iro_name=iro.name.split()[0] if iro and iro.name.strip() else None,
                meeting_day=on_day(review.held_on or review.due_date, participant.locale)
                if review
                else None,
            )
            started = await self.store.start_or_resume(uow, participant, flow, review, context)
            notices = [Notice.other_paused] if started.others_open else []
            if started.resumed:
                notices.append(Notice.resumed)
            elif review is not None and any(
                (run.participant_id, run.flow_id, run.status)
                == (participant.id, flow.id, "submitted")
                for run in await uow.runs.for_review(review.id)
            ):
                notices.append(Notice.already_sent)
            if note is not None:
                await note(uow, started.run_id)
            await uow.commit()
            return Outcome(
                started.events, started.run_id, tuple(notices), locale=participant.locale
            )

    async def act(
        self,
        telegram_id: int,
        update: UpdateKey,
        action: Input,
        button: RunButton | None = None,
        note: RunNote | None = None,
    ) -> Outcome:
        """Apply one input to the participant's open run, in one transaction.

        The update is recorded first (a resent one changes nothing); then the person and
        their open run are read once, typed words are screened (a flag and its alerts join
        the transaction), and the engine's answer is stored (typed words that are a command
        are refused instead: `Notice.unknown_command`). Should anything after screening
        fail, the flag is stored on its own before the error goes on, so none is ever lost.

        A `button` must name this participant's open run at the step it is on (or at its
        summary); otherwise it is stale or forged and changes nothing. The channel's `note`
        about the run the input is for joins the transaction.
        """
        text = action.text if isinstance(action, Text) else None
        run_id = button.run_id if button else None
        now = self.services.clock()
        screening: Screened | None = None
        try:
            async with self.services.uow() as uow:
                if not await uow.updates.first_time(update, now):
                    return Outcome(notices=(Notice.duplicate,))
                writer = await _writer(uow, telegram_id, run_id)
                row = writer.run
                state = EngineRun.from_dict(uow.runs.read_state(row)) if row else None
                if text is not None and not self._picks_a_button(row, state, text):
                    screening = await self._screen(uow, writer, update.update_id, text, now)
                if text is not None and command_in(text) is not None:
                    # A command is never an answer. Telegram routes its own commands before
                    # they get here; any other (and any at all in the web chat) is refused
                    # as Telegram refuses one, once its words are screened like any others.
                    outcome = Outcome(notices=(Notice.unknown_command,))
                else:
                    outcome = await self._apply(uow, writer, state, action, button, now)
                if note is not None and row is not None:
                    await note(uow, row.id)
                await uow.commit()
                return replace(outcome, screening=screening, locale=writer.locale)
        except Exception:
            if text is not None and screening is not None and screening.level is not Level.NONE:
                await self._keep_flag(telegram_id, update.update_id, run_id, text, now)
            raise

    async def _apply(
        self,
        uow: UnitOfWork,
        writer: _Writer,
        state: EngineRun | None,
        action: Input,
        button: RunButton | None,
        now: datetime,
    ) -> Outcome:
        """Give the input to the engine and store what it did; the caller commits."""
        row = writer.run
        if row is None or state is None:
            notice = Notice.no_open_run if writer.links else Notice.not_linked
            return Outcome(notices=(Notice.stale_button if button else notice,))
        flow = self.flows[row.flow_id]
        if button is not None and button.step_id != state.current_step:
            return Outcome(tuple(current_prompt(flow, state)), row.id, (Notice.stale_button,))
        transition = handle(flow, state, action, now)
        refusals = [e.reason for e in transition.events if isinstance(e, Rejected)]
        if FLOW_CHANGED in refusals:
            # The engine cannot go on with this run ("please start again"): let it go.
            self.store.retire(row)
            return Outcome(tuple(transition.events), row.id)
        # A refused answer leaves the question (and its buttons) where they were, unless
        # the question is offered again below it.
        asked_again = any(isinstance(e, Asked) for e in transition.events)
        tidy = state.status is RunStatus.waiting and (asked_again or not refusals)
        await self.store.save(uow, row, flow, state, transition)
        return Outcome(tuple(transition.events), row.id, tidy=tidy)

    async def _screen(
        self, uow: UnitOfWork, writer: _Writer, update_id: int, text: str, now: datetime
    ) -> Screened | None:
        """Screen typed words; a concern adds a flag and its alerts to the transaction."""
        author, child = writer.author
        self._remember_author(writer.telegram_id, author)
        return await raise_flag(
            uow,
            self.screening,
            author,
            child,
            writer.run,
            text,
            now,
            self.services.settings.flag_escalate_minutes,
            self.services.settings.zone,
            update_id,
            self._question(writer.run),
        )

    async def _keep_flag(
        self, telegram_id: int, update_id: int, run_id: int | None, text: str, now: datetime
    ) -> None:
        """Store a flag and its alerts in a transaction of their own, after a failure."""
        async with self.services.uow() as uow:
            writer = await _writer(uow, telegram_id, run_id)
            await self._screen(uow, writer, update_id, text, now)
            await uow.commit()
        logger.warning("update %d failed after screening; its flag was kept", update_id)

    def _picks_a_button(self, row: Run | None, state: EngineRun | None, text: str) -> bool:
        """Typed words the engine reads as a button are a press, and a press is not screened."""
        flow = self.flows.get(row.flow_id) if row is not None else None
        return flow is not None and state is not None and reads_as_button(flow, state, text)

    def _question(self, row: Run | None) -> str | None:
        """The default wording of the question a run is waiting on, if it is on one."""
        flow = self.flows.get(row.flow_id) if row is not None else None
        step = flow.step(row.current_step) if flow is not None and row is not None else None
        return step.text.get("en") if step is not None and step.is_question else None

    def screen_offline(self, telegram_id: int, text: str) -> Screened:
        """Screen words with no database at hand (an outage): for the support reply only."""
        author = self._authors.get(telegram_id, "child")
        return Screened(self.screening(text, ScreeningContext(author=author)), author)

    def _remember_author(self, telegram_id: int, participant: Participant | None) -> None:
        if participant is None or participant.role == "staff":
            return
        if len(self._authors) >= AUTHOR_CACHE_SIZE:
            self._authors.clear()
        self._authors[telegram_id] = participant.role

    async def current(self, telegram_id: int) -> Outcome:
        """Where this person's open run is, to show again; changes nothing."""
        async with self.services.uow() as uow:
            row = (await _writer(uow, telegram_id, None)).run
            if row is None:
                return Outcome()
            state = EngineRun.from_dict(uow.runs.read_state(row))
            events = tuple(current_prompt(self.flows[row.flow_id], state))
            return Outcome(events, row.id, locale=row.locale)

    async def position(self, telegram_id: int) -> Position:
        """Where this person's open run is, with what it has answered on the way (as the
        summary words it): a web chat shows these as the conversation so far."""
        async with self.services.uow() as uow:
            row = (await _writer(uow, telegram_id, None)).run
            if row is None:
                return Position(Outcome())
            state = EngineRun.from_dict(uow.runs.read_state(row))
            flow = self.flows[row.flow_id]
            answered = tuple(
                item for item in _summary_items(flow, state) if item.step_id != state.current_step
            )
            prompt = Outcome(tuple(current_prompt(flow, state)), row.id, locale=row.locale)
            return Position(prompt, answered, state.context.age_band)

    async def sent_runs(self, telegram_id: int) -> list[SentRun]:
        """What this person sent, newest first, in their own words."""
        async with self.services.uow() as uow:
            participants = await uow.participants.for_telegram_id(telegram_id)
            rows = await uow.runs.submitted_for([p.id for p in participants])
            sent = []
            for row in rows:
                # Worded as the person answered it, whatever the flow file says now.
                flow = self.flows.at(row.flow_id, row.flow_version)
                if flow is None or row.submitted_at is None:
                    continue
                state = EngineRun.from_dict(uow.runs.read_state(row))
                sent.append(
                    SentRun(
                        flow_title=flow.title.get(state.context.locale) or flow.title["en"],
                        submitted_on=row.submitted_at.astimezone(
                            self.services.settings.zone
                        ).date(),
                        share_with=row.share_with,
                        answers=_answer_lines(flow, state),
                    )
                )
            return sent

    async def _choose_flow(
        self,
        uow: UnitOfWork,
        participant: Participant,
        child: Child,
        purpose: Purpose,
        today: date,
    ) -> tuple[Flow, Review | None] | Notice:
        next_review = await uow.reviews.next_for_child(child.id, today)
        last_held = await uow.reviews.latest_held(child.id)
        parent = participant.role in ("parent", "carer")
        if purpose is Purpose.checkin:
            if parent:
                return Notice.checkin_for_children
            return self.flows[FlowId.checkin], next_review
        if parent:
            review = last_held or next_review
            if review is None:
                return Notice.no_review
            return self.flows[FlowId.family_feedback], review
        if purpose is Purpose.feedback:
            if last_held is None:
                return Notice.no_meeting_yet
            return self.flows[FlowId.after_meeting], last_held
        if next_review is None:
            return Notice.no_review
        return self.flows[VIEWS_FLOW[next_review.kind]], next_review


def _age_band(child: Child, today: date) -> str | None:
    age = age_on(child.birth_date, today)
    return age_band_for(age) if age is not None else None


def _locale_of(participant: Participant | None) -> str:
    return participant.locale if participant is not None else DEFAULT_LOCALE


async def _participant(uow: UnitOfWork, telegram_id: int) -> Participant | None:
    """The account's newest link, preferring a link to a child over a staff link."""
    links = await uow.participants.for_telegram_id(telegram_id)
    return next((p for p in links if p.child_id is not None), links[0] if links else None)


@dataclass(frozen=True)
class _Writer:
    """Who sent an input, and the open run it is for, as read once at its start."""

    telegram_id: int
    # Each of the account's links with the child it is linked to, newest first.
    links: tuple[tuple[Participant, Child | None], ...]
    run: Run | None

    @property
    def author(self) -> tuple[Participant | None, Child | None]:
        """Whose words these are (the run's participant, else the account's child link),
        and their child."""
        run = self.run
        if run is not None:
            found = next((link for link in self.links if link[0].id == run.participant_id), None)
        else:
            found = next((link for link in self.links if link[0].child_id is not None), None)
        return found or (None, None)

    @property
    def locale(self) -> str:
        """The language to answer in: the run's, else the account's."""
        if self.run is not None:
            return self.run.locale
        return _locale_of(self.links[0][0] if self.links else None)


async def _writer(uow: UnitOfWork, telegram_id: int, run_id: int | None) -> _Writer:
    """The account's links and the run an input is for (the named one, if it is this
    person's and open; else the one last touched), in one query."""
    rows = await uow.participants.with_open_runs(telegram_id, run_id)
    links = tuple(dict.fromkeys((link, child) for link, _, child in rows))
    run = next((run for _, run, _ in rows if run is not None), None)
    return _Writer(telegram_id, links, run)


def _summary_items(flow: Flow, state: EngineRun) -> tuple[SummaryItem, ...]:
    # The engine words a summary only for a run under review; any other run reads the same.
    events = current_prompt(flow, replace(state, status=RunStatus.reviewing))
    summary = next((e for e in events if isinstance(e, SummaryShown)), None)
    return summary.items if summary else ()


def _answer_lines(flow: Flow, state: EngineRun) -> tuple[tuple[str, str], ...]:
    return tuple((item.question, item.answer_text) for item in _summary_items(flow, state))
