"""Choosing the language a person reads My Say in: `/language`, and the chooser on joining.

The choice is kept on every link of the account (a staff link's staff member too, so the
workspace and alerts follow it), and on the open run: the question it is waiting on is
shown again in the new language, with the meeting's day reworded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.app.ports import Services, UnitOfWork, UpdateKey
from bot.app.replies import Notice, Outcome
from conversations.catalogue import DEFAULT_LOCALE
from conversations.engine import current_prompt
from conversations.events import Event
from conversations.flow_versions import FlowLibrary
from conversations.languages import native_name, supported
from conversations.messages import on_day
from conversations.runs import Run as EngineRun
from storage.models import Participant, Run


@dataclass(frozen=True)
class Reader:
    """Who is asking (their role, None if not linked) and the language they read."""

    role: str | None
    locale: str


@dataclass(frozen=True)
class LanguageChoice:
    """One language to offer: its code and its name in itself ("Cymraeg")."""

    locale: str
    name: str


def offered(languages: Sequence[str], first: str | None = None) -> tuple[LanguageChoice, ...]:
    """The languages the service offers, `first` (a suggestion) ahead of the others."""
    codes = sorted(languages, key=lambda code: code != first)
    return tuple(LanguageChoice(code, native_name(code)) for code in codes)


def suggested(languages: Sequence[str], language_code: str | None) -> str:
    """The offered language a device's language code names (Telegram's `language_code`),
    else English."""
    found = supported(language_code)
    return found if found is not None and found in languages else DEFAULT_LOCALE


async def reader(services: Services, telegram_id: int) -> Reader:
    """The account's role (a child link wins over others) and language."""
    async with services.uow() as uow:
        links = await uow.participants.for_telegram_id(telegram_id)
        found = next((p for p in links if p.child_id is not None), links[0] if links else None)
        # Read before the unit of work ends: its rollback expires what it loaded.
        return Reader(found.role, found.locale) if found else Reader(None, DEFAULT_LOCALE)


async def choose_language(
    services: Services, flows: FlowLibrary, telegram_id: int, update: UpdateKey, locale: str
) -> Outcome:
    """Keep `locale` as this account's language, and show its open run's question in it.

    A language the service does not offer (an old button, a forged one) changes nothing.
    """
    now = services.clock()
    async with services.uow() as uow:
        if not await uow.updates.first_time(update, now):
            return Outcome(notices=(Notice.duplicate,))
        links = await uow.participants.for_telegram_id(telegram_id)
        if not links:
            return Outcome(notices=(Notice.not_linked,))
        if locale not in services.settings.languages:
            return Outcome(notices=(Notice.stale_button,), locale=links[0].locale)
        await _keep(uow, links, locale)
        rows = await uow.participants.with_open_runs(telegram_id, None)
        row = next((run for _, run, _ in rows if run is not None), None)
        events = await _reword(uow, flows, row, locale) if row is not None else ()
        uow.audit.record(now, f"telegram:{telegram_id}", "language_chosen", locale=locale)
        await uow.commit()
        run_id = row.id if row is not None and events else None
        return Outcome(
            events, run_id, (Notice.language_changed,), tidy=bool(events), locale=locale
        )


async def _keep(uow: UnitOfWork, links: Sequence[Participant], locale: str) -> None:
    for link in links:
        link.locale = locale
        staff = await uow.staff.get(link.staff_id) if link.staff_id is not None else None
        if staff is not None:
            staff.locale = locale


async def _reword(uow: UnitOfWork, flows: FlowLibrary, row: Run, locale: str) -> tuple[Event, ...]:
    """Put the open run in `locale` and return its prompt, asked again in it."""
    flow = flows.get(row.flow_id)
    if flow is None:
        return ()
    state = EngineRun.from_dict(uow.runs.read_state(row))
    review = await uow.reviews.get(row.review_id) if row.review_id is not None else None
    context = replace(state.context, locale=locale)
    if review is not None and state.context.meeting_day and state.context.audience != "iro":
        # The day was put in words when the run started: word it again in the new language.
        context = replace(context, meeting_day=on_day(review.held_on or review.due_date, locale))
    state = replace(state, context=context)
    uow.runs.write_state(row, state.to_dict())
    row.locale = locale
    return tuple(current_prompt(flow, state))
