"""Aggregate SQL for the feedback parents and carers give: who answered, what they chose.

Counts come from live runs and from the summaries kept of runs deleted since (by retention
or an erasure), each counted with its own indexes and then added up, so deleting people's
words never changes a past figure. Only the quotes need the words, so only live runs give
quotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import Select, func, select, union_all

from feedback_reports.metrics_queries import Query, day_start
from storage.models import Answer, AnswerSummary, Participant, Run, RunSummary

FAMILY = ("parent", "carer")
# Answers whose `choice` is an option the report counts (free text is never counted).
CHOICE_KINDS = ("choice", "yesno", "scale")


def _family_runs(start: date, end: date) -> Query:
    """Parents' and carers' runs sent in the period (live runs only: the words are there)."""
    since, until = day_start(start), day_start(end + timedelta(days=1))
    return (
        select(Run.id)
        .join(Participant, Participant.id == Run.participant_id)
        .where(
            Participant.role.in_(FAMILY),
            Run.status == "submitted",
            Run.submitted_at >= since,
            Run.submitted_at < until,
        )
    )


def _family_summaries(start: date, end: date) -> Query:
    """Summaries of parents' and carers' runs sent in the period and deleted since."""
    since, until = day_start(start), day_start(end + timedelta(days=1))
    return select(RunSummary.id).where(
        RunSummary.role.in_(FAMILY),
        RunSummary.status == "submitted",
        RunSummary.submitted_at >= since,
        RunSummary.submitted_at < until,
    )


def _added_up(live: Query, kept: Query) -> Query:
    """Add the counts (last column) of two grouped queries with the same key columns.

    Live rows and summaries are counted apart, each with its own indexes, then summed.
    """
    both = union_all(live, kept).subquery()
    *keys, count = both.c
    return select(*keys, func.sum(count)).group_by(*keys)


def respondents_query(start: date, end: date) -> Query:
    """Parents' and carers' submitted runs in the period, by role."""
    live = (
        select(Participant.role.label("role"), func.count(Run.id).label("n"))
        .join(Participant, Participant.id == Run.participant_id)
        .where(Run.id.in_(_family_runs(start, end)))
        .group_by(Participant.role)
    )
    kept = (
        select(RunSummary.role, func.count(RunSummary.id))
        .where(RunSummary.id.in_(_family_summaries(start, end)))
        .group_by(RunSummary.role)
    )
    return _added_up(live, kept)


def feedback_choices_query(start: date, end: date) -> Query:
    """Counts of each option chosen by parents and carers, per flow and step."""
    live = (
        select(
            Run.flow_id.label("flow_id"),
            Answer.step_id.label("step_id"),
            Answer.choice.label("choice"),
            func.count().label("n"),
        )
        .join(Run, Run.id == Answer.run_id)
        .where(
            Answer.run_id.in_(_family_runs(start, end)),
            Answer.kind.in_(CHOICE_KINDS),
            Answer.choice.is_not(None),
        )
        .group_by(Run.flow_id, Answer.step_id, Answer.choice)
    )
    kept = (
        select(RunSummary.flow_id, AnswerSummary.step_id, AnswerSummary.choice, func.count())
        .join(RunSummary, RunSummary.id == AnswerSummary.run_summary_id)
        .where(
            AnswerSummary.run_summary_id.in_(_family_summaries(start, end)),
            AnswerSummary.kind.in_(CHOICE_KINDS),
            AnswerSummary.choice.is_not(None),
        )
        .group_by(RunSummary.flow_id, AnswerSummary.step_id, AnswerSummary.choice)
    )
    return _added_up(live, kept)


def feedback_themes_query(start: date, end: date) -> Query:
    """Counts of each distinct theme list found in parents' and carers' free text."""
    live = (
        select(Answer.text_themes.label("text_themes"), func.count().label("n"))
        .where(Answer.run_id.in_(_family_runs(start, end)), Answer.text_themes.is_not(None))
        .group_by(Answer.text_themes)
    )
    kept = (
        select(AnswerSummary.text_themes, func.count())
        .where(
            AnswerSummary.run_summary_id.in_(_family_summaries(start, end)),
            AnswerSummary.text_themes.is_not(None),
        )
        .group_by(AnswerSummary.text_themes)
    )
    return _added_up(live, kept)


def quotable_query(
    start: date, end: date, limit: int, consent_steps: Sequence[str]
) -> Select[Answer]:
    """Free-text answers from runs whose author said yes on a consent step to being quoted."""
    consent = select(Answer.run_id).where(
        Answer.step_id.in_(consent_steps), Answer.choice == "yes"
    )
    return (
        select(Answer)
        .where(
            Answer.run_id.in_(_family_runs(start, end)),
            Answer.run_id.in_(consent),
            Answer.kind == "text",
            Answer.text_cipher.is_not(None),
        )
        .order_by(Answer.answered_at, Answer.id)
        .limit(limit)
    )
