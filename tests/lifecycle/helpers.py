"""Builders for lifecycle tests: children with meetings, accounts, runs, flags and audit events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from bot.bootstrap import Services
from storage.models import AuditEvent, Child, ChildRequest, Flag, Participant, Review, Run
from storage.uow import UnitOfWork


def at(text: str) -> datetime:
    """A UTC moment from 'YYYY-MM-DD' (10:00) or 'YYYY-MM-DDTHH:MM[:SS]'."""
    moment = datetime.fromisoformat(text if "T" in text else f"{text}T10:00")
    return moment.replace(tzinfo=UTC)


@dataclass
class Seeded:
    """Ids of what one child's seeding made, for checking what stays."""

    child_id: int
    review_ids: list[int] = field(default_factory=list)
    participant_ids: list[int] = field(default_factory=list)
    run_ids: list[int] = field(default_factory=list)
    flag_ids: list[int] = field(default_factory=list)
    request_ids: list[int] = field(default_factory=list)


async def add_child(
    uow: UnitOfWork,
    case_ref: str,
    added: str,
    meetings: Sequence[tuple[str, str | None]] = (),
    note: str | None = None,
) -> Seeded:
    """A child added on `added`, with cla_reviews given as (due, held or None)."""
    child = uow.children.add(
        Child(
            case_ref=case_ref, birth_date=date(2012, 5, 1), gender="female", created_at=at(added)
        )
    )
    await uow.flush()
    seeded = Seeded(child.id)
    for due, held in meetings:
        review = uow.reviews.add(
            Review(
                child_id=child.id,
                kind="cla_review",
                due_date=date.fromisoformat(due),
                held_on=date.fromisoformat(held) if held else None,
                participation="PN1" if held else None,
                created_at=at(added),
            )
        )
        uow.reviews.encrypt_note(review, note)
        await uow.flush()
        seeded.review_ids.append(review.id)
    return seeded


async def link(uow: UnitOfWork, seeded: Seeded, telegram_id: int, role: str) -> int:
    participant = uow.participants.add(
        Participant(
            telegram_id=telegram_id,
            role=role,
            child_id=seeded.child_id,
            created_at=at("2019-01-01"),
        )
    )
    await uow.flush()
    seeded.participant_ids.append(participant.id)
    return participant.id


async def add_run(
    uow: UnitOfWork,
    seeded: Seeded,
    participant_id: int,
    when: str,
    *,
    words: str | None = None,
    choice: str | None = None,
    flow_id: str = "child_before_review",
    review: bool = True,
) -> int:
    """A run sent on `when`, with an answer in words and/or a chosen option."""
    run = uow.runs.add(
        Run(
            participant_id=participant_id,
            review_id=seeded.review_ids[0] if review and seeded.review_ids else None,
            flow_id=flow_id,
            flow_version=1,
            status="submitted",
            started_at=at(when),
            updated_at=at(when),
            submitted_at=at(when),
        )
    )
    uow.runs.write_state(run, {"words": words})
    await uow.flush()
    if words is not None:
        await uow.runs.put_answer(
            run.id, "better", "text", choice=None, text=words, theme=None, now=at(when)
        )
    if choice is not None:
        await uow.runs.put_answer(
            run.id, "rating", "scale", choice=choice, text=None, theme=None, now=at(when)
        )
    await uow.flush()
    await uow.report_counts.count_sent(run)  # as the bot does when a run is sent
    seeded.run_ids.append(run.id)
    return run.id


async def add_request(
    uow: UnitOfWork, seeded: Seeded, participant_id: int, run_id: int, note: str | None
) -> int:
    """A request to talk, made in this run and done with the IRO's `note`."""
    request = uow.requests.add(
        ChildRequest(
            child_id=seeded.child_id,
            participant_id=participant_id,
            run_id=run_id,
            review_id=seeded.review_ids[0] if seeded.review_ids else None,
            flow_id="checkin",
            step_id="contact_me",
            kind="contact_me",
            about="would like you to get in touch",
            status="done",
            created_at=at("2025-09-20"),
            escalate_at=at("2025-09-22"),
        )
    )
    uow.requests.set_note(request, note)
    await uow.flush()
    seeded.request_ids.append(request.id)
    return request.id


async def add_flag(
    uow: UnitOfWork,
    seeded: Seeded,
    words: str,
    raised: str,
    *,
    closed: str | None = None,
    participant_id: int | None = None,
    run_id: int | None = None,
    close_note: str | None = None,
) -> int:
    flag = Flag(
        child_id=seeded.child_id,
        participant_id=participant_id,
        run_id=run_id,
        level="urgent",
        categories="harm",
        rules="r1",
        text_cipher=uow.cipher.encrypt(words),
        status="closed" if closed else "open",
        created_at=at(raised),
        closed_at=at(closed) if closed else None,
    )
    if close_note:
        uow.flags.set_close_note(flag, close_note)
    uow.session.add(flag)
    await uow.flush()
    seeded.flag_ids.append(flag.id)
    return flag.id


def add_event(
    uow: UnitOfWork, when: str, action: str, child_id: int | None = None, actor: str = "cli"
) -> None:
    uow.audit.record(at(when), actor, action, child_id, note="seeded")


async def count(services: Services, model: type[Any]) -> int:
    async with services.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def ids(services: Services, model: type[Any]) -> set[int]:
    async with services.uow() as uow:
        return set(await uow.session.scalars(select(model.id)))


async def audit_actions(services: Services) -> list[str]:
    async with services.uow() as uow:
        return list(await uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
