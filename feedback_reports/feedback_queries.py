"""Aggregate SQL for the feedback parents and carers give: who answered, what they chose.

Counts come from `feedback_count`, kept as each run is sent (`storage.repositories.
report_counts`): a few rows a day rather than every answer, and untouched when runs are
deleted, so a past figure never changes; a period's whole months are read from the same
counts added up per month (`feedback_month_count`). Only the quotes need the words, so only
live runs give quotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Subquery

from feedback_reports.metrics_queries import Query, day_start
from storage.models import Answer, FeedbackCount, FeedbackMonthCount, Flag, Participant, Run
from storage.report_sql import PeriodParts

FAMILY = ("parent", "carer")


def _run_sent(start: date, end: date, roles: tuple[str, ...]) -> ColumnElement[bool]:
    """Whether the answer's run was sent in the period by one of these people (live runs only:
    the words are there)."""
    since, until = day_start(start), day_start(end + timedelta(days=1))
    return exists().where(
        Run.id == Answer.run_id,
        Participant.id == Run.participant_id,
        Participant.role.in_(roles),
        Run.status == "submitted",
        Run.submitted_at >= since,
        Run.submitted_at < until,
    )


def _counts(start: date, end: date, measure: str) -> Subquery:
    """One measure's counts of the period: whole months' from the counts kept per month,
    the days around them from those kept per day."""
    parts = PeriodParts.of(start, end)
    return union_all(
        *(
            select(model.role, model.flow_id, model.step_id, model.value, model.n).where(
                on(period), model.measure == measure
            )
            for model, period, on in (
                (FeedbackMonthCount, FeedbackMonthCount.month, parts.on_months),
                (FeedbackCount, FeedbackCount.day, parts.on_days),
            )
        )
    ).subquery(measure)


def respondents_query(start: date, end: date) -> Query:
    """Parents' and carers' runs sent in the period, by role."""
    c = _counts(start, end, "respondent").c
    return select(c.role, func.sum(c.n)).group_by(c.role)


def feedback_choices_query(start: date, end: date) -> Query:
    """Counts of each option chosen by parents and carers, per flow and step."""
    c = _counts(start, end, "choice").c
    return select(c.flow_id, c.step_id, c.value, func.sum(c.n)).group_by(
        c.flow_id, c.step_id, c.value
    )


def feedback_themes_query(start: date, end: date) -> Query:
    """Counts of each distinct theme list found in parents' and carers' free text."""
    c = _counts(start, end, "themes").c
    return select(c.value, func.sum(c.n)).group_by(c.value)


def quotable_query(
    start: date,
    end: date,
    limit: int,
    consent_steps: Sequence[str],
    roles: tuple[str, ...] = FAMILY,
) -> Select[Answer]:
    """Words from runs whose author said yes on a consent step to being quoted, none that
    raised a flag."""
    # Each answer in words is looked at earliest first (the partial index of words in order,
    # storage.models.OWN_WORDS) and its run checked by key, so the walk stops at the fiftieth
    # quote instead of first listing every consenting run of the period (on SQLite, a list of
    # tens of thousands at national scale). The step ids are written into the SQL, not bound,
    # so the consent is found by the run's unique (run, step) key.
    consent = aliased(Answer)
    consented = exists().where(
        consent.run_id == Answer.run_id,
        or_(*(consent.step_id == literal(step, literal_execute=True) for step in consent_steps)),
        consent.choice == "yes",
    )
    # Words that worried the screening are for the IRO, never for a report.
    flagged = exists().where(Flag.run_id == Answer.run_id, Flag.step_id == Answer.step_id)
    return (
        select(Answer)
        .where(
            # Written into the SQL, so both databases read the partial index of words
            # (storage.models.OWN_WORDS) rather than every answer.
            Answer.kind == literal("text", literal_execute=True),
            Answer.text_cipher.is_not(None),
            _run_sent(start, end, roles),
            consented,
            ~flagged,
        )
        .order_by(Answer.answered_at, Answer.id)
        .limit(limit)
    )
