"""In-memory stand-ins for the unit of work and its repositories, for fast use-case tests.

They keep the same entities the real repositories return (transient, never in a session),
answer the same questions with list comprehensions, and commit by copying a snapshot:
`rollback` throws away what a unit of work changed since its last commit, as the database
would. The contract tests on SQLite and PostgreSQL stay the judge of the real repositories;
these only have to agree with them on what the use cases tested here rely on.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.app.lanes import Lanes
from bot.settings import Settings
from storage.models import AuditEvent, Child, Flag, OutboxMessage, Participant, Staff

FIXED_NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


class PlainCipher:
    """Marks text as 'encrypted' without hiding it, so a test can still tell the two apart."""

    def encrypt(self, text: str) -> bytes:
        return b"sealed:" + text.encode()

    def decrypt(self, token: bytes) -> str:
        assert token.startswith(b"sealed:"), "read something that was never encrypted"
        return token.removeprefix(b"sealed:").decode()


@dataclass
class Memory:
    """Everything the fakes store, shared by every unit of work on one `FakeServices`."""

    rows: dict[type, list[Any]] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    commits: int = 0

    def all(self, kind: type) -> list[Any]:
        return self.rows.setdefault(kind, [])

    def add(self, row: Any) -> Any:
        if getattr(row, "id", None) is None:
            row.id = next(self.ids)
        self.all(type(row)).append(row)
        return row

    def snapshot(self) -> Snapshot:
        """Every row with a copy of its values (entities are shared, so values are what count)."""
        return {kind: [(row, _values(row)) for row in rows] for kind, rows in self.rows.items()}

    def restore(self, snapshot: Snapshot) -> None:
        self.rows = {kind: [row for row, _ in rows] for kind, rows in snapshot.items()}
        for rows in snapshot.values():
            for row, values in rows:
                row.__dict__.update(values)


Snapshot = dict[type, list[tuple[Any, dict[str, Any]]]]


def _values(row: Any) -> dict[str, Any]:
    return {k: copy.copy(v) for k, v in vars(row).items() if not k.startswith("_sa_")}


class _Repository:
    def __init__(self, memory: Memory, cipher: PlainCipher) -> None:
        self.memory = memory
        self.cipher = cipher


class FakeStaff(_Repository):
    def add(self, staff: Staff) -> Staff:
        return self.memory.add(staff)

    async def get(self, staff_id: int) -> Staff | None:
        return next((s for s in self.memory.all(Staff) if s.id == staff_id), None)

    async def by_telegram_id(self, telegram_id: int) -> Staff | None:
        return next((s for s in self.memory.all(Staff) if s.telegram_id == telegram_id), None)

    async def managers(self) -> Sequence[Staff]:
        return [s for s in self.memory.all(Staff) if s.role == "manager"]


class FakeChildren(_Repository):
    def add(self, child: Child) -> Child:
        return self.memory.add(child)

    async def get(self, child_id: int) -> Child | None:
        return next((c for c in self.memory.all(Child) if c.id == child_id), None)

    async def by_case_ref(self, case_ref: str) -> Child | None:
        return next((c for c in self.memory.all(Child) if c.case_ref == case_ref), None)

    async def allocated_to(self, iro_id: int) -> Sequence[Child]:
        return [c for c in self.memory.all(Child) if c.iro_id == iro_id]


class FakeParticipants(_Repository):
    def add(self, participant: Participant) -> Participant:
        return self.memory.add(participant)


class FakeFlags(_Repository):
    def add(self, flag: Flag) -> Flag:
        return self.memory.add(flag)

    async def get(self, flag_id: int) -> Flag | None:
        return next((f for f in self.memory.all(Flag) if f.id == flag_id), None)

    async def from_update(
        self, update_id: int, participant_id: int, since: datetime
    ) -> Flag | None:
        return next(
            (
                f
                for f in self.memory.all(Flag)
                if f.source_update_id == update_id
                and f.participant_id == participant_id
                and f.created_at >= since
            ),
            None,
        )

    async def unresolved(self, child_ids: Sequence[int] | None) -> Sequence[Flag]:
        open_flags = [
            f
            for f in self.memory.all(Flag)
            if f.status != "closed" and (child_ids is None or f.child_id in child_ids)
        ]
        return sorted(open_flags, key=lambda f: (f.level != "urgent", f.created_at))

    def text(self, flag: Flag) -> str:
        return self.cipher.decrypt(flag.text_cipher)

    def close_note(self, flag: Flag) -> str | None:
        return (
            None if flag.close_note_cipher is None else self.cipher.decrypt(flag.close_note_cipher)
        )

    def set_close_note(self, flag: Flag, note: str) -> None:
        flag.close_note_cipher = self.cipher.encrypt(note)


class FakeOutbox(_Repository):
    def add(
        self, chat_id: int, purpose: str, text: str, now: datetime, flag_id: int | None = None
    ) -> OutboxMessage:
        return self.memory.add(
            OutboxMessage(
                chat_id=chat_id,
                purpose=purpose,
                text_cipher=self.cipher.encrypt(text),
                flag_id=flag_id,
                created_at=now,
                next_attempt_at=now,
                attempts=0,
                sent_at=None,
            )
        )

    def unsent(self) -> list[OutboxMessage]:
        return [m for m in self.memory.all(OutboxMessage) if m.sent_at is None]

    async def due(self, now: datetime, limit: int = 50) -> Sequence[OutboxMessage]:
        return [m for m in self.unsent() if m.next_attempt_at <= now][:limit]

    async def lease_due(
        self, now: datetime, until: datetime, limit: int, **purposes: Sequence[str] | None
    ) -> Sequence[OutboxMessage]:
        """As the repository's: `first` and `only` purposes, by name."""
        first, only = purposes.get("first") or (), purposes.get("only")
        due = list(await self.due(now, limit=len(self.unsent())))
        due = [m for m in due if only is None or m.purpose in only]
        due.sort(key=lambda m: (m.purpose not in first, m.id))
        for message in due[:limit]:
            message.next_attempt_at = until
        return due[:limit]

    async def delivered(self, message_id: int, at: datetime) -> None:
        message = self._message(message_id)
        message.sent_at, message.attempts = at, message.attempts + 1

    async def not_delivered(self, message_id: int, retry_at: datetime, error: str) -> None:
        message = self._message(message_id)
        message.next_attempt_at, message.last_error = retry_at, error[:200]
        message.attempts += 1

    def _message(self, message_id: int) -> OutboxMessage:
        return next(m for m in self.memory.all(OutboxMessage) if m.id == message_id)

    def text(self, message: OutboxMessage) -> str:
        return self.cipher.decrypt(message.text_cipher)


class FakeAudit(_Repository):
    def record(
        self, at: datetime, actor: str, action: str, child_id: int | None, **detail: Any
    ) -> None:
        self.memory.add(
            AuditEvent(at=at, actor=actor, action=action, child_id=child_id, detail=detail)
        )

    def actions(self) -> list[str]:
        return [event.action for event in self.memory.all(AuditEvent)]


class FakeUnitOfWork:
    """Commit keeps the changes; leaving without commit puts back the last committed state."""

    def __init__(self, memory: Memory, cipher: PlainCipher) -> None:
        self.memory = memory
        self.cipher = cipher
        self.staff = FakeStaff(memory, cipher)
        self.children = FakeChildren(memory, cipher)
        self.participants = FakeParticipants(memory, cipher)
        self.flags = FakeFlags(memory, cipher)
        self.outbox = FakeOutbox(memory, cipher)
        self.audit = FakeAudit(memory, cipher)

    async def __aenter__(self) -> FakeUnitOfWork:
        self._committed = self.memory.snapshot()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.memory.restore(self._committed)

    async def commit(self) -> None:
        self.memory.commits += 1
        self._committed = self.memory.snapshot()

    async def flush(self) -> None:
        """Ids are given on add, so there is nothing to flush."""


class FakeServices:
    """What a use case is given, in memory: settings, a clock you move, transactions."""

    def __init__(self, data_dir: Path, now: datetime = FIXED_NOW) -> None:
        self.settings = Settings(
            data_dir=data_dir,
            telegram_token="123456:TEST",
            _env_file=None,  # type: ignore[call-arg]
        )
        self.now = now
        self.memory = Memory()
        self.cipher = PlainCipher()
        self.lanes = Lanes()

    def clock(self) -> datetime:
        return self.now

    def today(self) -> datetime:
        return self.now.astimezone(self.settings.zone)

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.memory, self.cipher)
