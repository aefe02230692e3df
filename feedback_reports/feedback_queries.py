"""Aggregate SQL for the feedback parents and carers give: who answered, what they chose.

Counts come from `feedback_count`, kept as each run is sent (`storage.repositories.
feedback_counts`): a few rows a day rather than every answer, and untouched when runs are
deleted, so a past figure never changes. Only the quotes need the words, so only live runs
give quotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, exists, func, literal, or_, select

from feedback_reports.metrics_queries import Query, day_start
from storage.models import Answer, FeedbackCount, Flag, Participant, Run

FAMILY = ("parent", "carer")


def _sent_runs(start: date, end: date, roles: tuple[str, ...]) -> Query:
    """Runs these people sent in the period (live runs only: the words are there)."""
    since, until = day_start(start), day_start(end + timedelta(days=1))
    return (
        select(Run.id)
        .join(Participant, Participant.id == Run.participant_id)
        .where(
            Participant.role.in_(roles),
            Run.status == "submitted",
            Run.submitted_at >= since,
            Run.submitted_at < until,
        )
    )


def _counts(start: date, end: date, measure: str) -> ColumnElement[bool]:
    return FeedbackCount.day.between(start, end) & (FeedbackCount.measure == measure)


def respondents_query(start: date, end: date) -> Query:
    """Parents' and carers' runs sent in the period, by role."""
    return (
        select(FeedbackCount.role, func.sum(FeedbackCount.n))
        .where(_counts(start, end, "respondent"))
        .group_by(FeedbackCount.role)
    )


def feedback_choices_query(start: date, end: date) -> Query:
    """Counts of each option chosen by parents and carers, per flow and step."""
    count = FeedbackCount
    return (
        select(count.flow_id, count.step_id, count.value, func.sum(count.n))
        .where(_counts(start, end, "choice"))
        .group_by(count.flow_id, count.step_id, count.value)
    )


def feedback_themes_query(start: date, end: date) -> Query:
    """Counts of each distinct theme list found in parents' and carers' free text."""
    return (
        select(FeedbackCount.value, func.sum(FeedbackCount.n))
        .where(_counts(start, end, "themes"))
        .group_by(FeedbackCount.value)
    )


def quotable_query(
    start: date,
    end: date,
    limit: int,
    consent_steps: Sequence[str],
    roles: tuple[str, ...] = FAMILY,
) -> Select[Answer]:
    """Words from runs whose author said yes on a consent step to being quoted, none that
    raised a flag."""
    # The step ids are written into the SQL, not bound, so that SQLite can read the small
    # partial index on the consent step (storage.models.MAY_QUOTE) instead of every answer.
    consent = select(Answer.run_id).where(
        or_(*(Answer.step_id == literal(step, literal_execute=True) for step in consent_steps)),
        Answer.choice == "yes",
    )
    consenting = _sent_runs(start, end, roles).where(Run.id.in_(consent))
    # Words that worried the screening are for the IRO, never for a report.
    flagged = exists().where(Flag.run_id == Answer.run_id, Flag.step_id == Answer.step_id)
    return (
        select(Answer)
        .where(
            Answer.run_id.in_(consenting),
            # Written into the SQL, so both databases read the partial index of words
            # (storage.models.OWN_WORDS) rather than every answer of each consenting run.
            Answer.kind == literal("text", literal_execute=True),
            Answer.text_cipher.is_not(None),
            ~flagged,
        )
        .order_by(Answer.answered_at, Answer.id)
        .limit(limit)
    )
