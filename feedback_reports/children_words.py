"""The words readers see for the children's tables: headings, group names and definitions.

Kept apart from the figures (children_model) so a renderer reads one place for its words,
and the definitions are data printed with every report, like the meetings' (definitions).
"""

from __future__ import annotations

from collections.abc import Callable

from feedback_reports.children_model import (
    PLAN_MONTHS,
    TARGETABLE_RATES,
    Caseloads,
    ChildrenFigures,
)
from feedback_reports.figures import Count, Rate
from feedback_reports.participation_model import ReportOptions
from storage import codes

POPULATION_WORDS = {"in_care": "Children in care", "on_plan": "Children on a protection plan"}
TABLE_WORDS = {
    "on_date": "On the last day of the period",
    "started": "Started in the period",
    "ended": "Ended in the period",
}
DIMENSION_WORDS = {
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "legal_status": "Legal status",
    "age_band": "Age",
}
_GROUP_WORDS = {
    "gender": {"1": "Male", "2": "Female"},
    "ethnicity": codes.ETHNICITY,
    "legal_status": {code: f"{code}: {words}" for code, words in codes.LEGAL_STATUS.items()},
    "age_band": {
        "under_1": "Under 1",
        "1_4": "1 to 4",
        "5_9": "5 to 9",
        "10_15": "10 to 15",
        "16_plus": "16 and over",
    },
}
_COMMON = {"unknown": "Not recorded", "unrecognised": "Recorded, not a DfE code"}
PLAN_CATEGORY_WORDS = {
    "neglect": "Neglect",
    "emotional": "Emotional abuse",
    "physical": "Physical abuse",
    "sexual": "Sexual abuse",
    "multiple": "Multiple categories",
}
CHALLENGE_CATEGORY_WORDS = {
    "drift_and_delay": "Drift and delay",
    "procedures": "Procedures",
    "plan": "The care plan",
    "placement": "Placement",
    "health": "Health",
    "education": "Education",
    "contact": "Contact",
    "other": "Other",
}
STAGE_WORDS = {
    "informal": "Informal",
    "formal1": "Formal stage 1",
    "formal2": "Formal stage 2",
    "formal3": "Formal stage 3",
}


# The figures shown beside the same figures a year before, in reading order; a percentage
# a service may set a target for is read through its target's name (TARGETABLE_RATES).
HEADLINES: tuple[tuple[str, Callable[[ChildrenFigures], Count | Rate | str] | str], ...] = (
    ("Children in care on the last day", lambda c: c.in_care.on_date.children),
    ("Children who started to be in care", lambda c: c.in_care.started.children),
    ("Children who stopped being in care", lambda c: c.in_care.ended.children),
    ("Children on a plan on the last day", lambda c: c.on_plan.on_date.children),
    ("Children who became subject to a plan", lambda c: c.on_plan.started.children),
    ("Children whose plan ended", lambda c: c.on_plan.ended.children),
    ("Repeat plans (of plans started)", "repeat_plans"),
    ("Plans ended after over 24 months", "plans_ended_over_24_months"),
    ("Children allocated to IROs on the last day", lambda c: allocated_on_the_day(c.caseloads)),
    ("Challenges raised", lambda c: c.challenges.raised),
    ("Resolved (of challenges raised)", "challenges_resolved"),
    ("Resolved within the local timescale", "challenges_resolved_in_timescale"),
)


def headlines(
    now: ChildrenFigures, before: ChildrenFigures | None
) -> list[tuple[str, str | None, Count | Rate | str, Count | Rate | str | None]]:
    """Each headline figure: its title, the name a target for it has (None when it cannot
    have one), this period's value and the year before's (None when not asked for)."""
    found = []
    for title, read in HEADLINES:
        target, figure = (read, TARGETABLE_RATES[read]) if isinstance(read, str) else (None, read)
        found.append((title, target, figure(now), None if before is None else figure(before)))
    return found


NO_ALLOCATIONS = "no allocations imported"
NO_DATA = "no data"


def allocated_on_the_day(caseloads: Caseloads) -> int | str:
    """Children allocated on the last day, or words saying there are no allocations to count
    (never a 0 that would read as IROs with no children)."""
    if caseloads.source != "allocations" or caseloads.children is None:
        return NO_ALLOCATIONS
    return caseloads.children


def caseload_source(caseloads: Caseloads) -> str:
    """Where the caseloads table's figures come from, printed above it."""
    if caseloads.source == "allocations":
        return (
            f"From the IRO allocations imported (mysay import allocations): the children "
            f"allocated to each IRO on {caseloads.on} and on {caseloads.year_before_on}."
        )
    if caseloads.source == "children_iro_now":
        return (
            "No IRO allocations have been imported, so these are the children each IRO has "
            "today, from the IRO each child was imported with (as on the workspace's Caseloads "
            "page), not on the period's last day; there are none for a year before. Import "
            "the allocations (mysay import allocations) to count both days."
        )
    return "No IRO allocations have been imported, so there are no caseloads to show."


def caseload_heading(caseloads: Caseloads) -> str:
    """The heading of the caseloads' first column of figures."""
    return "Children today" if caseloads.on is None else f"Children on {caseloads.on}"


def group_words(dimension: str, group: str) -> str:
    """A group as readers see it: the DfE's words, never a stored code alone."""
    return _GROUP_WORDS[dimension].get(group) or _COMMON.get(group, group)


def children_definitions(options: ReportOptions) -> list[tuple[str, str]]:
    """What the children's tables count, in reading order."""
    months = ", ".join(str(m) for m in PLAN_MONTHS)
    days = ", ".join(
        f"{STAGE_WORDS[stage].lower()} {n}" for stage, n in options.challenge_stage_days.items()
    )
    return [
        (
            "Children in care, on a plan",
            "Children, each counted once, from the care episodes and child protection plans "
            "imported. On the last day of the period: an episode that ended that day is over. "
            "Started and ended: children with an episode that started (or ended) in the period; "
            "a child with two is counted once, with their age and legal status at the first "
            "start (or the last end).",
        ),
        (
            "Age bands of children",
            "The DfE's: under 1, 1 to 4, 5 to 9, 10 to 15, 16 and over, on the day counted.",
        ),
        (
            "Legal status",
            "A care episode's own legal status, else the child's. Plans have none of their "
            "own: theirs is the child's.",
        ),
        (
            "Repeat plans",
            "Plans started in the period that were the child's second or later plan.",
        ),
        (
            "Plans over 15, 18 and 24 months",
            f"Plans that had lasted longer than {months} months: of those that ended in the "
            "period (to their end), and of those open on the last day (to that day).",
        ),
        (
            "IRO caseloads",
            "Children allocated to each IRO on the last day of the period and on the same day a "
            "year before, from the IRO allocations imported; with none imported, each child's "
            "IRO today. They are not withheld: an IRO's number says nothing about a child.",
        ),
        (
            "Challenges",
            "Issues IROs raised in the period, by category and the highest stage they reached. "
            f"Resolved within the local timescale: within the days allowed for every stage up to "
            f"the one reached ({days} days).",
        ),
    ]
