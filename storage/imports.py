"""CSV imports of children and reviews: validated whole before anything is written.

A file either goes in completely or not at all, and importing the same file twice
changes nothing, so an operator can safely re-run an import after fixing a bad row.
Values are read as people write them (dates day first or ISO, DfE codes or their usual
words, case references, staff usernames and kinds in any capitals) and checked against each
other by `import_rules`: impossible rows are refused, unlikely ones imported with a warning,
both by line and column.
"""

from __future__ import annotations

import csv
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol, TypeVar

from storage import codes
from storage.import_rules import (
    Findings,
    RowProblem,
    check_child,
    check_review,
    parse_date,
    repeated,
)
from storage.models import PARTICIPATION_CODES, REVIEW_KINDS, Child, Review
from storage.repositories import ChildRepository, ReviewRepository, StaffRepository


class StaffLookup(Protocol):
    """What finding staff by username needs of a unit of work."""

    staff: StaffRepository


class UnitOfWork(Protocol):
    """What an import needs of a unit of work (the storage one, or the use cases' port)."""

    staff: StaffRepository
    children: ChildRepository
    reviews: ReviewRepository

    async def flush(self) -> None: ...


CHILD_COLUMNS = ("case_ref", "birth_date", "gender", "ethnicity", "legal_status", "iro_username")
REVIEW_COLUMNS = (
    "case_ref",
    "kind",
    "due_date",
    "held_on",
    "iro_username",
    "participation",
    "seen_before",
)
# Read when the header has it: the local authority's own "in timescale" (yes or no), which the
# report and the review record use instead of comparing the held and due dates.
OPTIONAL_REVIEW_COLUMNS = ("in_timescale",)

T = TypeVar("T")


class ImportRejected(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    warnings: list[RowProblem] = field(default_factory=list)


Importer = Callable[
    ["UnitOfWork", Iterable[tuple[int, dict[str, str]]], datetime], Awaitable["ImportResult"]
]


class RowReader:
    """One CSV line being read; each field parser records a problem instead of raising."""

    def __init__(self, line: int, values: dict[str, str], problems: list[RowProblem]) -> None:
        self.line, self.values, self.problems = line, values, problems

    def text(self, column: str, required: bool = False) -> str | None:
        value = (self.values.get(column) or "").strip()
        if not value and required:
            self.problems.append(RowProblem(self.line, column, "is required"))
        return value or None

    def coded(self, column: str, read: Callable[[str], str]) -> str | None:
        """A DfE code read from the column (see `codes`); a problem if the words name none."""
        value = self.text(column)
        if value is None:
            return None
        try:
            return read(value)
        except ValueError as exc:
            self.problems.append(RowProblem(self.line, column, f"{value!r} {exc}"))
            return None

    def parsed(
        self, column: str, parse: Callable[[str], T], hint: str, required: bool = False
    ) -> T | None:
        value = self.text(column, required)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError:
            self.problems.append(RowProblem(self.line, column, f"{value!r} is not {hint}"))
            return None


DATE_HINT = "a date (YYYY-MM-DD or DD/MM/YYYY)"


def _one_of(choices: Iterable[str]) -> Callable[[str], str]:
    """A reader of one of `choices` written in any capitals (`CLA_Review`, `pn1`)."""
    allowed = {choice.lower(): choice for choice in choices}

    def parse(value: str) -> str:
        if value.lower() in allowed:
            return allowed[value.lower()]
        raise ValueError(value)

    return parse


def _yes_no(value: str) -> bool:
    lowered = value.lower()
    if lowered in ("yes", "y", "true", "1"):
        return True
    if lowered in ("no", "n", "false", "0"):
        return False
    raise ValueError(value)


def read_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) after checking the header names every column."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        yield from read_lines(handle, columns)


def read_lines(
    lines: Iterable[str], columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) of CSV lines (a file, or an upload's text) after checking
    the header names every column."""
    reader = csv.DictReader(lines)
    found: Sequence[str] = reader.fieldnames or []
    missing = [c for c in columns if c not in found]
    if missing:
        problems = [RowProblem(1, c, "missing from the header") for c in missing]
        raise ImportRejected([*problems, _header_found(found, columns)])
    for row in reader:
        yield reader.line_num, row


def _header_found(found: Sequence[str], columns: tuple[str, ...]) -> RowProblem:
    """What the header did have, so a file with other names or separators can be put right."""
    expected = ",".join(columns)
    if len(found) == 1 and ";" in found[0]:
        return RowProblem(
            1,
            "(header)",
            f"the file looks separated by semicolons ({found[0]!r}); save it as CSV with "
            f"commas, with the header {expected}",
        )
    named = ", ".join(repr(name) for name in found) if found else "nothing (an empty file)"
    return RowProblem(1, "(header)", f"found {named}; expected {expected}")


async def staff_ids(
    uow: StaffLookup, named: list[tuple[int, str | None]]
) -> tuple[dict[str, int], list[RowProblem]]:
    """Staff ids by the usernames lines name (in any capitals), and a problem per unknown one."""
    ids = {}
    for username in {name for _, name in named if name}:
        staff = await uow.staff.by_username(username)
        if staff is not None:
            ids[username] = staff.id
    problems = [
        RowProblem(line, "iro_username", f"no such staff member {name!r} (see `mysay staff list`)")
        for line, name in named
        if name and name not in ids
    ]
    return ids, problems


def _iro_usernames(parsed: list[tuple[int, dict[str, object]]]) -> list[tuple[int, str | None]]:
    return [(line, str(f["iro_username"]) if f["iro_username"] else None) for line, f in parsed]


def case_key(case_ref: object) -> str:
    """A case reference as it is matched: whatever its capitals."""
    return str(case_ref).strip().lower()


async def import_children(
    uow: UnitOfWork, rows: Iterable[tuple[int, dict[str, str]]], now: datetime
) -> ImportResult:
    """Add or update children; `now` is the service's local time (its day is "today")."""
    found = Findings()
    parsed: list[tuple[int, dict[str, object]]] = []
    for line, values in rows:
        row = RowReader(line, values, found.problems)
        parsed.append(
            (
                line,
                {
                    "case_ref": row.text("case_ref", required=True),
                    "birth_date": row.parsed("birth_date", parse_date, DATE_HINT),
                    "gender": row.coded("gender", codes.gender),
                    "ethnicity": row.coded("ethnicity", codes.ethnicity),
                    "legal_status": row.coded("legal_status", codes.legal_status),
                    "iro_username": row.text("iro_username"),
                },
            )
        )
    for line, fields in parsed:
        birth = fields["birth_date"]
        check_child(line, birth if isinstance(birth, date) else None, now.date(), found)
    keyed = [(line, case_key(f["case_ref"])) for line, f in parsed if f["case_ref"]]
    repeated(keyed, "case_ref", "child", found)
    iros, unknown = await staff_ids(uow, _iro_usernames(parsed))
    found.problems.extend(unknown)
    if found.problems:
        raise ImportRejected(sorted(found.problems, key=lambda p: p.line))
    existing = await uow.children.by_case_refs([str(f["case_ref"]) for _, f in parsed])
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for _, fields in parsed:
        iro_username = fields.pop("iro_username")
        fields["iro_id"] = iros.get(str(iro_username)) if iro_username else None
        child = existing.get(case_key(fields["case_ref"]))
        if child is None:
            child = uow.children.add(Child(created_at=now, **fields))
            counts["created"] += 1
        else:
            # The reference stays as first written; only its capitals may differ here.
            fields.pop("case_ref")
            counts[apply_changes(child, fields)] += 1
    return ImportResult(**counts, warnings=found.warnings)


async def import_reviews(
    uow: UnitOfWork, rows: Iterable[tuple[int, dict[str, str]]], now: datetime
) -> ImportResult:
    """Add or update meetings; `now` is the service's local time (its day is "today")."""
    found = Findings()
    parsed: list[tuple[int, dict[str, object]]] = []
    kind_hint = "one of " + ", ".join(REVIEW_KINDS)
    for line, values in rows:
        row = RowReader(line, values, found.problems)
        parsed.append(
            (
                line,
                {
                    "case_ref": row.text("case_ref", required=True),
                    "kind": row.parsed("kind", _one_of(REVIEW_KINDS), kind_hint, required=True),
                    "due_date": row.parsed("due_date", parse_date, DATE_HINT, True),
                    "held_on": row.parsed("held_on", parse_date, DATE_HINT),
                    "iro_username": row.text("iro_username"),
                    "participation": row.parsed(
                        "participation", _one_of(PARTICIPATION_CODES), "a code PN0 to PN7"
                    ),
                    "seen_before": row.parsed("seen_before", _yes_no, "yes or no"),
                    **{
                        column: row.parsed(column, _yes_no, "yes or no")
                        for column in OPTIONAL_REVIEW_COLUMNS
                        if column in values
                    },
                },
            )
        )
    unreadable = {problem.line for problem in found.problems}
    children = await uow.children.by_case_refs([str(f["case_ref"]) for _, f in parsed])
    for line, fields in parsed:
        child = children.get(case_key(fields["case_ref"]))
        if fields["case_ref"] and child is None:
            found.problems.append(
                RowProblem(line, "case_ref", "no such child; import children first")
            )
        elif child is not None and line not in unreadable:
            check_review(line, fields, child.birth_date, now.date(), found)
    meetings = [
        (line, (case_key(f["case_ref"]), f["kind"], f["due_date"]))
        for line, f in parsed
        if line not in unreadable
    ]
    repeated(meetings, "case_ref", "meeting (child, kind and due date)", found)
    iros, unknown = await staff_ids(uow, _iro_usernames(parsed))
    found.problems.extend(unknown)
    if found.problems:
        raise ImportRejected(sorted(found.problems, key=lambda p: p.line))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for _, fields in parsed:
        child = children[case_key(fields.pop("case_ref"))]
        iro_username = fields.pop("iro_username")
        fields["chair_id"] = iros[str(iro_username)] if iro_username else child.iro_id
        due = fields["due_date"]
        assert isinstance(due, date)
        review = await uow.reviews.find(child.id, str(fields["kind"]), due)
        if review is None:
            uow.reviews.add(Review(child_id=child.id, created_at=now, **fields))
            await uow.flush()
            counts["created"] += 1
        else:
            counts[apply_changes(review, fields)] += 1
    return ImportResult(**counts, warnings=found.warnings)


def apply_changes(row: object, fields: dict[str, object]) -> str:
    changed = False
    for name, value in fields.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return "updated" if changed else "unchanged"
