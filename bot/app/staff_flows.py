"""An IRO or manager starting a staff flow about a child in the bot (recording a meeting's
outcome, a challenge): what every such start is given, and the staff member's own run-holder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.app.ports import Services, UnitOfWork, UpdateKey
from bot.app.run_store import RunStore
from conversations.flow_spec import Flow
from storage.models import Participant, Staff


@dataclass(frozen=True)
class StaffFlowStart:
    """A staff member's update asking to start (or resume) a staff flow; what the flow is
    about (the child, the meeting) is each use case's own argument."""

    services: Services
    flow: Flow
    store: RunStore
    telegram_id: int
    update: UpdateKey


async def staff_link(
    uow: UnitOfWork, staff: Staff, telegram_id: int, now: datetime
) -> Participant:
    """The staff member's own participant row (made here if they were linked by the CLI)."""
    link = await uow.participants.find_link(telegram_id, "staff", None, staff.id)
    if link is None:
        link = uow.participants.add(
            Participant(telegram_id=telegram_id, role="staff", staff_id=staff.id, created_at=now)
        )
        await uow.flush()
    return link
