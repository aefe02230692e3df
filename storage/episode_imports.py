"""CSV imports of what the annual report counts of children: care and plan episodes, IRO
allocations and the challenge (issue resolution) log.

Like `imports`, a file goes in whole or not at all, importing it twice changes nothing, and
problems are found by line and column. Each kind of row is described once (`RowKind`): its
columns, how its values are read, what identifies a row of a child (its start day, or for a
challenge its day and category) and which dates may not overlap (a child is in one care
episode, one plan and with one IRO at a time). Overlaps are checked against what is stored
as well as within the file, so a second file cannot contradict the first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Protocol

from storage import codes
from storage.import_rules import Findings, RowProblem, parse_date, repeated
from storage.imports import (
    DATE_HINT,
    ImportRejected,
    ImportResult,
    RowReader,
    apply_changes,
    case_key,
    staff_ids,
)
from storage.models import (
    CHALLENGE_CATEGORIES,
    CHALLENGE_OUTCOMES,
    CHALLENGE_STAGES,
    PLAN_CATEGORIES,
    CareEpisode,
    Challenge,
    IroAllocation,
    PlanEpisode,
)
from storage.repositories import ChildRepository, EpisodeRepository, StaffRepository
from storage.repositories.episodes import Episode

Fields = dict[str, object]


class UnitOfWork(Protocol):
    """What these imports need of a unit of work (the storage one, or the use cases' port)."""

    staff: StaffRepository
    children: ChildRepository
    episodes: EpisodeRepository

    async def flush(self) -> None: ...


def _words(value: str) -> str:
    """Lower case with every run of spaces, dashes and underscores one underscore."""
    return "_".join(value.lower().replace("-", " ").replace("_", " ").split())


def _vocabulary(allowed: tuple[str, ...], other_words: dict[str, str]) -> Callable[[str], str]:
    """A reader of one of `allowed`, written in any capitals and spacing, or in other words."""

    def read(value: str) -> str:
        key = _words(value)
        if key in allowed:
            return key
        if key in other_words:
            return other_words[key]
        raise ValueError(f"is not one of {', '.join(allowed)}")

    return read


# The Children in Need census codes for a plan's category, and the usual longer words.
plan_category = _vocabulary(
    PLAN_CATEGORIES,
    {
        "neg": "neglect",
        "emo": "emotional",
        "emotional_abuse": "emotional",
        "phy": "physical",
        "physical_abuse": "physical",
        "sab": "sexual",
        "sexual_abuse": "sexual",
        "mul": "multiple",
        "mixed": "multiple",
    },
)
challenge_category = _vocabulary(
    CHALLENGE_CATEGORIES,
    {"drift_&_delay": "drift_and_delay", "drift": "drift_and_delay", "delay": "drift_and_delay"},
)
challenge_stage = _vocabulary(
    CHALLENGE_STAGES,
    {
        **{f"formal_{n}": f"formal{n}" for n in (1, 2, 3)},
        **{f"formal_stage_{n}": f"formal{n}" for n in (1, 2, 3)},
        **{f"stage_{n}": f"formal{n}" for n in (1, 2, 3)},
    },
)
challenge_outcome = _vocabulary(CHALLENGE_OUTCOMES, {"unresolved": "not_resolved"})


@dataclass(frozen=True)
class RowKind:
    """One kind of imported row: where it is kept, its columns and how they are read."""

    model: type[Episode]
    columns: tuple[str, ...]
    read: Callable[[RowReader], Fields]
    # With the child, what identifies a row: importing it again updates it.
    key: tuple[str, ...]
    # The first and last day it covers (the last may be blank: still open).
    span: tuple[str, str]
    what: str
    overlap_allowed: bool = False
    # Whether it may start before the child is born (a plan may: pre-birth plans are made).
    before_birth_allowed: bool = True
    iro_column: str | None = None
    iro_required: bool = False


def _dates(row: RowReader, start: str, end: str) -> Fields:
    return {
        start: row.parsed(start, parse_date, DATE_HINT, required=True),
        end: row.parsed(end, parse_date, DATE_HINT),
    }


CARE_EPISODES = RowKind(
    CareEpisode,
    ("case_ref", "started_on", "ended_on", "legal_status"),
    lambda row: {
        **_dates(row, "started_on", "ended_on"),
        "legal_status": row.coded("legal_status", codes.legal_status),
    },
    key=("started_on",),
    span=("started_on", "ended_on"),
    what="care episode",
    before_birth_allowed=False,
)
PLANS = RowKind(
    PlanEpisode,
    ("case_ref", "started_on", "ended_on", "category"),
    lambda row: {
        **_dates(row, "started_on", "ended_on"),
        "category": row.parsed(
            "category", plan_category, "one of " + ", ".join(PLAN_CATEGORIES), required=True
        ),
    },
    key=("started_on",),
    span=("started_on", "ended_on"),
    what="plan",
)
ALLOCATIONS = RowKind(
    IroAllocation,
    ("case_ref", "iro_username", "started_on", "ended_on"),
    lambda row: _dates(row, "started_on", "ended_on"),
    key=("started_on",),
    span=("started_on", "ended_on"),
    what="allocation",
    iro_column="iro_id",
    iro_required=True,
)
CHALLENGES = RowKind(
    Challenge,
    ("case_ref", "iro_username", "raised_on", "category", "stage", "resolved_on", "outcome"),
    lambda row: {
        **_dates(row, "raised_on", "resolved_on"),
        "category": row.parsed(
            "category",
            challenge_category,
            "one of " + ", ".join(CHALLENGE_CATEGORIES),
            required=True,
        ),
        "stage": row.parsed(
            "stage", challenge_stage, "one of " + ", ".join(CHALLENGE_STAGES), required=True
        ),
        "outcome": row.parsed(
            "outcome", challenge_outcome, "one of " + ", ".join(CHALLENGE_OUTCOMES)
        ),
    },
    key=("raised_on", "category"),
    span=("raised_on", "resolved_on"),
    what="challenge (child, day raised and category)",
    overlap_allowed=True,
    iro_column="raised_by_id",
)


def _check_dates(line: int, fields: Fields, kind: RowKind, today: date, found: Findings) -> None:
    start_column, end_column = kind.span
    start, end = fields[start_column], fields[end_column]
    for column, day in ((start_column, start), (end_column, end)):
        if isinstance(day, date) and day > today:
            found.problems.append(
                RowProblem(line, column, f"{day} is in the future (today is {today})")
            )
    if isinstance(start, date) and isinstance(end, date) and end < start:
        found.problems.append(RowProblem(line, end_column, f"is before {start_column} ({start})"))


def _overlaps(
    spans: dict[int, list[tuple[date, date | None, int | None]]], kind: RowKind, found: Findings
) -> None:
    """Refuse a file line whose span overlaps another of the same child (filed or stored)."""
    for entries in spans.values():
        entries.sort(key=lambda entry: entry[0])
        for (before_start, end, line), (start, _, next_line) in pairwise(entries):
            # One may end on the day the next starts (the snapshot counts the day's new one).
            if end is None or end > start:
                blamed = next_line if next_line is not None else line
                if blamed is not None:
                    before = (
                        f"ran from {before_start} to {end}"
                        if end
                        else f"started {before_start} and has not ended"
                    )
                    found.problems.append(
                        RowProblem(
                            blamed,
                            kind.span[0],
                            f"overlaps another {kind.what} of the same child: the one "
                            f"starting {start} overlaps the one before it, which {before}",
                        )
                    )


async def import_rows(
    kind: RowKind, uow: UnitOfWork, rows: Iterable[tuple[int, dict[str, str]]], now: datetime
) -> ImportResult:
    """Add or update rows of `kind`; `now` is the service's local time (its day is "today")."""
    found = Findings()
    parsed: list[tuple[int, str | None, str | None, Fields]] = []
    for line, values in rows:
        row = RowReader(line, values, found.problems)
        case_ref = row.text("case_ref", required=True)
        username = row.text("iro_username", required=kind.iro_required)
        parsed.append((line, case_ref, username, kind.read(row)))
    unreadable = {problem.line for problem in found.problems}
    children = await uow.children.by_case_refs([ref for _, ref, _, _ in parsed if ref])
    iros, unknown = await staff_ids(uow, [(line, name) for line, _, name, _ in parsed])
    found.problems.extend(unknown)
    keyed = []
    for line, case_ref, _, fields in parsed:
        if case_ref and case_key(case_ref) not in children:
            found.problems.append(
                RowProblem(line, "case_ref", "no such child; import children first")
            )
        elif line not in unreadable:
            _check_dates(line, fields, kind, now.date(), found)
            birth, start = children[case_key(case_ref)].birth_date, fields[kind.span[0]]
            if (
                not kind.before_birth_allowed
                and birth
                and isinstance(start, date)
                and start < birth
            ):
                found.problems.append(
                    RowProblem(line, kind.span[0], f"is before the child was born ({birth})")
                )
            key = tuple(fields[column] for column in kind.key)
            keyed.append((line, (case_key(case_ref), *key)))
    repeated(keyed, "case_ref", kind.what, found)
    child_ids = {
        case_key(r): children[case_key(r)].id
        for _, r, _, _ in parsed
        if r and case_key(r) in children
    }
    stored = await _stored(uow, kind, set(child_ids.values()))
    if not kind.overlap_allowed:
        # Only lines read whole are placed on the calendar; the rest are refused already.
        refused = {problem.line for problem in found.problems}
        whole = [entry for entry in parsed if entry[0] not in refused]
        _overlaps(_spans(kind, whole, child_ids, stored), kind, found)
    if found.problems:
        raise ImportRejected(sorted(found.problems, key=lambda p: p.line))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for _, case_ref, username, fields in parsed:
        child_id = child_ids[case_key(case_ref)]
        if kind.iro_column is not None:
            fields[kind.iro_column] = iros[username] if username else None
        existing = stored.get((child_id, *(fields[column] for column in kind.key)))
        if existing is None:
            uow.episodes.add(kind.model(child_id=child_id, created_at=now, **fields))
            counts["created"] += 1
        else:
            counts[apply_changes(existing, fields)] += 1
    await uow.flush()
    return ImportResult(**counts, warnings=found.warnings)


async def _stored(
    uow: UnitOfWork, kind: RowKind, child_ids: set[int]
) -> dict[tuple[object, ...], Episode]:
    """The rows of `kind` already kept for these children, by child and key."""
    return {
        (row.child_id, *(getattr(row, column) for column in kind.key)): row
        for row in await uow.episodes.of_children(kind.model, child_ids)
    }


def _spans(
    kind: RowKind,
    parsed: list[tuple[int, str | None, str | None, Fields]],
    child_ids: dict[str, int],
    stored: dict[tuple[object, ...], Episode],
) -> dict[int, list[tuple[date, date | None, int | None]]]:
    """Each child's spans as they will be: the file's lines, and stored rows it leaves alone."""
    start_column, end_column = kind.span
    spans: dict[int, list[tuple[date, date | None, int | None]]] = defaultdict(list)
    replaced = set()
    for line, case_ref, _, fields in parsed:
        child_id = child_ids[case_key(case_ref)]
        start, end = fields[start_column], fields[end_column]
        assert isinstance(start, date) and (end is None or isinstance(end, date))
        spans[child_id].append((start, end, line))
        replaced.add((child_id, *(fields[column] for column in kind.key)))
    for key, row in stored.items():
        if key not in replaced:
            spans[row.child_id].append(
                (getattr(row, start_column), getattr(row, end_column), None)
            )
    return spans
