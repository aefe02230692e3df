"""The annual report's figures about children, as data: `ParticipationReport.children`.

Counts are children (or plans, allocations, challenges as named), not meetings. A count is a
whole number or "[c]" where withheld (see `suppression`); a percentage is a `Rate`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal

from pydantic import Field

from feedback_reports.figures import Count, Rate, _Model

# The DfE's age bands for children in care and on a plan.
DFE_AGE_BANDS = ("under_1", "1_4", "5_9", "10_15", "16_plus", "unknown")
# Plans lasting over this many months are reported (the DfE's 15, 18 and 24 months).
PLAN_MONTHS = (15, 18, 24)
DIMENSIONS = ("gender", "ethnicity", "legal_status", "age_band")


class ChildrenTable(_Model):
    """How many children, and the same children by each characteristic (each adds up to all)."""

    children: Count
    gender: dict[str, Count]
    ethnicity: dict[str, Count]
    legal_status: dict[str, Count]
    age_band: dict[str, Count]


class Population(_Model):
    """Children in care, or on a plan: on the snapshot day, and those who started or ended."""

    on_date: ChildrenTable = Field(description="on the snapshot day (`snapshot_on`)")
    started: ChildrenTable = Field(
        description="children with an episode that started in the period"
    )
    ended: ChildrenTable = Field(description="children with an episode that ended in the period")


class PlanFigures(_Model):
    """Child protection plans (counted as plans: a child may have two in a year)."""

    started: Count
    started_by_category: dict[str, Rate] = Field(description="shares of the plans started")
    open_by_category: dict[str, Rate] = Field(description="shares of the plans open on the day")
    repeat: Rate = Field(description="plans started that were a child's second or later")
    ended_lasting_over: dict[str, Rate] = Field(
        description="plans ended in the period that had lasted over 15, 18 and 24 months"
    )
    open_lasting_over: dict[str, Rate] = Field(
        description="plans open on the day that had lasted over 15, 18 and 24 months"
    )


class IroCaseload(_Model):
    iro: str = Field(description="the IRO's name")
    children: int
    year_before: int | None = Field(description="None: no allocations to count that day")


# Where a caseload comes from: the IRO allocations imported (on the period's last day and a
# year before), or, when none were ever imported, each child's IRO now (as the workspace's
# Caseloads page counts them), or nothing (no allocations, for the year before's tables).
CaseloadSource = Literal["allocations", "children_iro_now", "none"]


class Caseloads(_Model):
    """Children allocated to each IRO on the day and the same day a year before.

    Not withheld: a count of an IRO's children says nothing about any one child.
    """

    source: CaseloadSource = Field(
        description="allocations: the IRO allocations imported; children_iro_now: none were "
        "imported, so each child's IRO today (on is then None); none: no figures"
    )
    on: date | None
    year_before_on: date
    per_iro: list[IroCaseload]
    children: int | None
    year_before: int | None
    mean_per_iro: float | None
    mean_per_iro_year_before: float | None


class Challenges(_Model):
    """Issues IROs raised in the period (the issue resolution process)."""

    raised: Count
    by_category: dict[str, Count]
    by_stage_reached: dict[str, Count]
    resolved: Rate = Field(description="of the challenges raised, those resolved")
    resolved_in_timescale: Rate = Field(
        description="of those resolved, those resolved within the local timescale"
    )
    stage_days: dict[str, int] = Field(description="the local timescale: days allowed per stage")


class ChildrenFigures(_Model):
    snapshot_on: date = Field(description="the day the snapshot counts are taken (period end)")
    in_care: Population
    on_plan: Population
    plans: PlanFigures
    caseloads: Caseloads
    challenges: Challenges


# The children's percentages a service may set a target for (drawn on the plans' and the
# challenges' charts, named beside the figure in the tables), and where each is read.
TARGETABLE_RATES: dict[str, Callable[[ChildrenFigures], Rate]] = {
    "repeat_plans": lambda c: c.plans.repeat,
    "plans_ended_over_24_months": lambda c: c.plans.ended_lasting_over["24"],
    "challenges_resolved": lambda c: c.challenges.resolved,
    "challenges_resolved_in_timescale": lambda c: c.challenges.resolved_in_timescale,
}
