"""A run: one person going through one flow, as a JSON-serialisable value.

The database stores `Run.to_dict()` and hands `Run.from_dict()` back to the engine, so a run
survives restarts and can move between bot workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

# An option id (choice, yesno, scale), a list of option ids (multi), free text, or an ISO date.
AnswerValue = str | list[str]


def age_on(birth_date: date | None, day: date) -> int | None:
    """A person's age in whole years on `day`, if their birth date is known."""
    if birth_date is None:
        return None
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def age_band_for(age_years: int) -> str:
    """Return the age band flows use to pick wording and questions for a child of this age."""
    if age_years < 0:
        raise ValueError(f"age must not be negative, got {age_years}")
    if age_years < 8:
        return "under_8"
    if age_years <= 12:
        return "8_12"
    return "13_plus"


@dataclass(frozen=True)
class RunContext:
    """Who is answering and about which meeting; conditions in flows read these."""

    audience: str
    age_band: str | None = None
    review_kind: str | None = None
    locale: str = "en"
    # Words a flow's text may name with {iro} and {meeting}: the IRO's first name and the
    # meeting's day as the language says "on" it ("on Tuesday 8 December", `on_day`);
    # without them, "your IRO" and "soon".
    iro_name: str | None = None
    meeting_day: str | None = None
    # For the IRO's outcome: the child's age at the meeting and the day it was due (ISO).
    child_age: int | None = None
    meeting_due: str | None = None
    # For a staff flow about a child but no meeting (the IRO's challenge): whose case it is.
    case_ref: str | None = None


class RunStatus(StrEnum):
    """Where a run is: asking a step, showing the summary, or finished one way or the other."""

    waiting = "waiting"
    reviewing = "reviewing"
    submitted = "submitted"
    cancelled = "cancelled"

    @property
    def finished(self) -> bool:
        """Say whether the run takes no more input."""
        return self in (RunStatus.submitted, RunStatus.cancelled)


@dataclass(frozen=True)
class Run:
    """The state of one run; the engine returns a new value instead of changing this one.

    `history` lists the question steps visited before the current one, in flow order, so
    "back" can return to them. `return_to_summary` is set while the person changes an answer
    from the summary; `selection` holds the options ticked so far on a multi step.
    """

    flow_id: str
    flow_version: int
    status: RunStatus
    current_step: str | None
    answers: dict[str, AnswerValue]
    context: RunContext
    started_at: datetime
    updated_at: datetime
    history: list[str]
    return_to_summary: bool = False
    selection: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the run as JSON-compatible values (datetimes as ISO 8601 strings)."""
        return {
            "flow_id": self.flow_id,
            "flow_version": self.flow_version,
            "status": self.status.value,
            "current_step": self.current_step,
            "answers": {k: copy_answer(v) for k, v in self.answers.items()},
            "context": {
                "audience": self.context.audience,
                "age_band": self.context.age_band,
                "review_kind": self.context.review_kind,
                "locale": self.context.locale,
                "iro_name": self.context.iro_name,
                "meeting_day": self.context.meeting_day,
                "child_age": self.context.child_age,
                "meeting_due": self.context.meeting_due,
                # Only staff flows about a child have one; other runs keep their old shape.
                **({"case_ref": self.context.case_ref} if self.context.case_ref else {}),
            },
            "started_at": self.started_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "history": list(self.history),
            "return_to_summary": self.return_to_summary,
            "selection": list(self.selection),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Run:
        """Rebuild a run from `to_dict()` output."""
        return cls(
            flow_id=data["flow_id"],
            flow_version=int(data["flow_version"]),
            status=RunStatus(data["status"]),
            current_step=data["current_step"],
            answers={k: copy_answer(v) for k, v in data["answers"].items()},
            context=RunContext(**data["context"]),
            started_at=datetime.fromisoformat(data["started_at"]),
            updated_at=datetime.fromisoformat(data["updated_at"]),
            history=list(data["history"]),
            return_to_summary=bool(data.get("return_to_summary", False)),
            selection=list(data.get("selection", [])),
        )


def copy_answer(value: AnswerValue) -> AnswerValue:
    """Return the answer, copying lists so two runs never share a mutable answer."""
    return list(value) if isinstance(value, list) else value
