"""Seeding and reading helpers for the reminder tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import admin
from bot.bootstrap import Services
from storage.models import Participant, ReminderSent, Run

LONDON = ZoneInfo("Europe/London")
CHILD_TG, PARENT_TG, IRO_TG = 1001, 1002, 2001


def london(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in London (GMT or BST as the date says)."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@dataclass(frozen=True)
class Family:
    review_id: int
    child_id: int
    child_participant: int
    parent_participant: int


@dataclass(frozen=True)
class Queued:
    chat_id: int
    purpose: str
    text: str


async def add_iro(services: Services, username: str, telegram_id: int | None) -> None:
    async with services.uow() as uow:
        await admin.add_staff(uow, username, username, "iro", telegram_id, services.clock())
        await uow.commit()


async def add_case(
    services: Services,
    case_ref: str,
    due: date,
    *,
    iro: str = "iro1",
    kind: str = "cla_review",
    held: date | None = None,
) -> tuple[int, int]:
    """A child allocated to `iro` with one review; returns (child id, review id)."""
    now = services.clock()
    async with services.uow() as uow:
        child = await admin.add_child(uow, case_ref, now, iro_username=iro)
        await uow.flush()
        review = await admin.add_review(uow, case_ref, kind, due, held, now)
        await uow.flush()
        ids = child.id, review.id
        await uow.commit()
    return ids


async def link(services: Services, telegram_id: int, role: str, child_id: int | None) -> int:
    """Link a Telegram account to a child as an invitation would; returns the participant id."""
    async with services.uow() as uow:
        participant = uow.participants.add(
            Participant(
                telegram_id=telegram_id,
                role=role,
                child_id=child_id,
                created_at=services.clock(),
            )
        )
        await uow.flush()
        participant_id = participant.id
        await uow.commit()
    return participant_id


async def seed_family(services: Services, due: date, iro_telegram: int | None = None) -> Family:
    """IRO iro1, child C001 with a review due, the child and a parent linked."""
    await add_iro(services, "iro1", iro_telegram)
    child_id, review_id = await add_case(services, "C001", due)
    child = await link(services, CHILD_TG, "child", child_id)
    parent = await link(services, PARENT_TG, "parent", child_id)
    return Family(review_id, child_id, child, parent)


async def add_run(
    services: Services, participant_id: int, review_id: int, flow_id: str, status: str
) -> int:
    now = services.clock()
    async with services.uow() as uow:
        run = uow.runs.add(
            Run(
                participant_id=participant_id,
                review_id=review_id,
                flow_id=flow_id,
                flow_version=1,
                status=status,
                state_cipher=b"",
                started_at=now,
                updated_at=now,
                submitted_at=now if status == "submitted" else None,
            )
        )
        await uow.flush()
        run_id = run.id
        await uow.commit()
    return run_id


async def submit(services: Services, run_id: int) -> None:
    async with services.uow() as uow:
        run = await uow.runs.get(run_id)
        assert run is not None
        run.status = "submitted"
        run.submitted_at = services.clock()
        await uow.commit()


async def queued(services: Services, purpose: str | None = None) -> list[Queued]:
    """Messages waiting in the outbox, oldest first."""
    async with services.uow() as uow:
        return [
            Queued(message.chat_id, message.purpose, uow.outbox.text(message))
            for message in await uow.outbox.pending()
            if purpose is None or message.purpose == purpose
        ]


async def reminder_keys(services: Services) -> list[str]:
    async with services.uow() as uow:
        return sorted(await uow.session.scalars(select(ReminderSent.key)))
