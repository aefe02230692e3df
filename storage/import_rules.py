"""What an imported row may say: impossible values are refused, unlikely ones warned about.

Both are found by line and column, so an operator can fix the file they came from. A refused
row stops the whole file (imports are all or nothing); a warning lets it in and is printed.
"Today" is the service's own day (its time zone), so a meeting held this morning is not in
the future.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date

# PN0 means "under 4 at the time of the meeting" (DESIGN.md, participation codes).
PN0_UNDER = 4
# Reviews are for children; a meeting at 18 or over is more likely a wrong birth date.
ADULT = 18
# A meeting held this long after (or before) its due date is more likely a typing slip.
FAR_FROM_DUE_DAYS = 365
DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass
class Findings:
    """What the checks found in one file: problems refuse it, warnings do not."""

    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)


def parse_date(value: str) -> date:
    """A date written YYYY-MM-DD or, as people in England write them, DD/MM/YYYY."""
    day_first = DAY_FIRST.fullmatch(value)
    if day_first:
        day, month, year = (int(part) for part in day_first.groups())
        return date(year, month, day)
    return date.fromisoformat(value)


def age_on(birth: date, day: date) -> int:
    """Whole years from `birth` to `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def repeated(
    keyed: Sequence[tuple[int, Hashable]], column: str, what: str, findings: Findings
) -> None:
    """Refuse a line whose key an earlier line of the file already had."""
    first: dict[Hashable, int] = {}
    for line, key in keyed:
        if key in first:
            findings.problems.append(
                RowProblem(line, column, f"the same {what} as line {first[key]}")
            )
        else:
            first[key] = line


def check_child(line: int, birth: date | None, today: date, findings: Findings) -> None:
    if birth is not None and birth > today:
        findings.problems.append(RowProblem(line, "birth_date", f"{birth} is in the future"))


def check_review(
    line: int, fields: dict[str, object], birth: date | None, today: date, findings: Findings
) -> None:
    """Check one meeting against the calendar, its own dates and the child's age."""
    due, held, code = fields["due_date"], fields["held_on"], fields["participation"]
    assert isinstance(due, date) and (held is None or isinstance(held, date))
    if held is None:
        for column, words in (
            ("participation", "code"),
            ("seen_before", "answer here"),
            ("in_timescale", "answer here"),
        ):
            if fields.get(column) is not None:
                findings.problems.append(
                    RowProblem(line, column, f"a meeting not held (no held_on) has no {words}")
                )
        return
    if held > today:
        findings.problems.append(
            RowProblem(line, "held_on", f"{held} is in the future (today is {today})")
        )
    if abs((held - due).days) > FAR_FROM_DUE_DAYS:
        after = "after" if held > due else "before"
        findings.warnings.append(
            RowProblem(line, "held_on", f"{abs((held - due).days)} days {after} the due date")
        )
    if birth is None:
        return
    if held < birth:
        findings.problems.append(
            RowProblem(line, "held_on", f"is before the child was born ({birth})")
        )
        return
    age = age_on(birth, held)
    if code == "PN0" and age >= PN0_UNDER:
        findings.problems.append(
            RowProblem(
                line,
                "participation",
                f"PN0 is for a child under {PN0_UNDER}, and this child was {age} at the meeting",
            )
        )
    elif code is not None and code != "PN0" and age < PN0_UNDER:
        findings.warnings.append(
            RowProblem(
                line,
                "participation",
                f"the child was {age} at the meeting; PN0 is the code for a child under "
                f"{PN0_UNDER}",
            )
        )
    if age >= ADULT:
        findings.warnings.append(
            RowProblem(line, "held_on", f"the child was {age} at the meeting")
        )
