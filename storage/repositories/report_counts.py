"""What the participation report counts of a run, kept as the run is sent.

At national scale the report would otherwise read every run and every answer each time. So a
run, in the transaction that sends it, leaves:
- for a child's run about a meeting, the first UTC day the child sent views for it
  (`review.views_sent_on`), so "views sent through My Say" reads the meeting's own row (and
  the meetings' counts kept per day, `meeting_counts`, count that day again);
- for a parent's or carer's run, its day's counts (`FeedbackCount`), and its month's
  (`FeedbackMonthCount`, from which a report reads its whole months): the run, each option
  chosen, each list of themes in their words.
Deleting the run later (retention, an erasure) leaves both, so past figures stay. `recount`
builds the same from the runs and answers kept, and the summaries of runs deleted (and the
meetings' counts from the meetings, the funnel's rows, `funnel_counts`, the children's
flows, `episode_flows`, and the IROs' allocations per month, `caseload_counts`), for a database
filled some other way (the benchmark) and to check that the two agree.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import Date, cast, delete, func, insert, literal, select, union_all, update
from sqlalchemy.sql.elements import ColumnElement

from storage.models import (
    Answer,
    AnswerSummary,
    FeedbackCount,
    FeedbackMonthCount,
    Participant,
    Review,
    Run,
    RunSummary,
)
from storage.report_sql import month_start
from storage.repositories.base import Repository
from storage.repositories.caseload_counts import CaseloadCounts
from storage.repositories.episode_flows import EpisodeFlows
from storage.repositories.funnel_counts import FunnelCounts
from storage.repositories.meeting_counts import MeetingCounts, note_day
from storage.repositories.summaries import CHOICE_KINDS, FEEDBACK_ROLES

# (step, measure, value) for one sent run: the run itself, each option chosen, each theme list.
Key = tuple[str, str, str]
RESPONDENT: Key = ("", "respondent", "")
KEY_COLUMNS = ("day", "role", "flow_id", "step_id", "measure", "value")
MONTH_KEY_COLUMNS = ("month", *KEY_COLUMNS[1:])
# Rows per INSERT, well below SQLite's limit on a statement's parameters.
ROWS_PER_INSERT = 500


def _counted(step_id: str, kind: str, choice: str | None, themes: str | None) -> list[Key]:
    found: list[Key] = []
    if kind in CHOICE_KINDS and choice is not None:
        found.append((step_id, "choice", choice))
    if themes is not None:
        found.append((step_id, "themes", themes))
    return found


def _month_key(row: dict[str, Any]) -> tuple[Any, ...]:
    """A day's count's key as its month's."""
    return (row["day"].replace(day=1), *(row[name] for name in KEY_COLUMNS[1:]))


class ReportCounts(Repository):
    """Takes a sent run into the report's counts; rebuilds them all from what is stored."""

    @property
    def _dialect(self) -> str:
        return self.session.bind.dialect.name if self.session.bind else "sqlite"

    async def count_sent(self, run: Run) -> None:
        """Take a run, just sent, into the counts of its UTC day and its meeting."""
        role = await self.session.scalar(
            select(Participant.role).where(Participant.id == run.participant_id)
        )
        if run.submitted_at is None:
            return
        day = run.submitted_at.date()  # stored in UTC
        if role == "child" and run.review_id is not None:
            await self.session.execute(
                update(Review)
                .where(
                    Review.id == run.review_id,
                    (Review.views_sent_on.is_(None)) | (Review.views_sent_on > day),
                )
                .values(views_sent_on=day)
            )
            held_on = await self.session.scalar(
                select(Review.held_on).where(Review.id == run.review_id)
            )
            # Views sent on or before a meeting already held move its day's counts; sent after
            # it, or before a meeting not held yet (counted when it is), they move nothing.
            if held_on is not None and day <= held_on:
                note_day(self.session.sync_session, held_on)
        if role in FEEDBACK_ROLES:
            await self._count_feedback(run, role, day)

    async def _count_feedback(self, run: Run, role: str, day: date) -> None:
        await self.session.flush()
        answers = await self.session.execute(
            select(Answer.step_id, Answer.kind, Answer.choice, Answer.text_themes_cipher).where(
                Answer.run_id == run.id
            )
        )
        keys = Counter([RESPONDENT])
        for step_id, kind, choice, themes in answers:
            keys.update(_counted(step_id, kind, choice, self._decrypted(themes)))
        await self._add(
            [
                {"day": day, "role": role, "flow_id": run.flow_id, "step_id": step_id}
                | {"measure": measure, "value": value, "n": n}
                for (step_id, measure, value), n in keys.items()
            ]
        )

    def _decrypted(self, themes: bytes | None) -> str | None:
        return None if themes is None else self.cipher.decrypt(themes)

    async def _add(self, rows: list[dict[str, Any]]) -> None:
        """Insert the rows into the days' counts and their months', adding `n` to a row
        already there for the same key."""
        await self._upsert(FeedbackCount, "day", rows)
        # One row per month and key: PostgreSQL refuses to upsert one row twice in a statement.
        months: Counter[tuple[Any, ...]] = Counter()
        for row in rows:
            months[_month_key(row)] += row["n"]
        await self._upsert(
            FeedbackMonthCount,
            "month",
            [
                dict(zip(MONTH_KEY_COLUMNS, key, strict=True)) | {"n": n}
                for key, n in months.items()
            ],
        )

    async def _upsert(
        self, model: type[FeedbackCount | FeedbackMonthCount], period: str, rows: list[Any]
    ) -> None:
        for start in range(0, len(rows), ROWS_PER_INSERT):
            statement = self.insert(model).values(rows[start : start + ROWS_PER_INSERT])
            await self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=[period, *KEY_COLUMNS[1:]],
                    set_={"n": model.n + statement.excluded.n},
                )
            )

    async def recount(self) -> None:
        """Replace every count with one worked out from the runs, answers and summaries."""
        await self._recount_views()
        # Every meeting's views may have moved: its kept counts too.
        await MeetingCounts(self.session, self.cipher).recount()
        await FunnelCounts(self.session, self.cipher).recount()
        await EpisodeFlows(self.session, self.cipher).recount()
        await CaseloadCounts(self.session, self.cipher).recount()
        await self.session.execute(delete(FeedbackCount))
        counted = union_all(*self._feedback(live=True), *self._feedback(live=False)).subquery()
        keys = [counted.c[name] for name in KEY_COLUMNS]
        await self.session.execute(
            insert(FeedbackCount).from_select(
                [*KEY_COLUMNS, "n"], select(*keys, func.count()).group_by(*keys)
            )
        )
        await self._recount_themes()
        await self.session.execute(delete(FeedbackMonthCount))
        await self.session.execute(
            insert(FeedbackMonthCount).from_select(
                ["month", *KEY_COLUMNS[1:], "n"], self._monthly()
            )
        )

    def _monthly(self) -> Any:
        """Every month's counts, added up from its days'."""
        c = FeedbackCount
        month = month_start(c.day, self._dialect).label("month")
        keys = [c.role, c.flow_id, c.step_id, c.measure, c.value]
        # The month is worked out in a subquery, so no bound parameter is repeated in GROUP BY.
        per_day = select(month, *keys, c.n).subquery().c
        grouped = [per_day.month, *(per_day[k.key] for k in keys)]
        return select(*grouped, func.sum(per_day.n)).group_by(*grouped)

    async def _recount_themes(self) -> None:
        """Count the theme lists, which are encrypted, so counted here rather than in SQL."""
        counted: Counter[tuple[date, str, str, str, str]] = Counter()
        for live in (True, False):
            rows = await self.session.execute(self._themes(live=live))
            for day, role, flow_id, step_id, themes in rows:
                counted[(day, role, flow_id, step_id, self.cipher.decrypt(themes))] += 1
        await self._add(
            [
                {"day": day, "role": role, "flow_id": flow_id, "step_id": step_id}
                | {"measure": "themes", "value": themes, "n": n}
                for (day, role, flow_id, step_id, themes), n in counted.items()
            ]
        )

    async def _recount_views(self) -> None:
        live = (
            select(Run.review_id.label("review_id"), Run.submitted_at.label("submitted_at"))
            .join(Participant, Participant.id == Run.participant_id)
            .where(Participant.role == "child", Run.status == "submitted")
        )
        kept = select(RunSummary.review_id, RunSummary.submitted_at).where(
            RunSummary.role == "child", RunSummary.status == "submitted"
        )
        sent = union_all(live, kept).subquery()
        first = (
            select(func.min(self._utc_day(sent.c.submitted_at)))
            .where(sent.c.review_id == Review.id)
            .scalar_subquery()
        )
        await self.session.execute(update(Review).values(views_sent_on=first))

    def _utc_day(self, column: Any) -> ColumnElement[date]:
        if self._dialect == "postgresql":
            return cast(func.timezone("UTC", column), Date)
        return func.date(column, type_=Date)

    def _sent(self, *, live: bool) -> tuple[Any, Any, Any]:
        """Parents' and carers' sent runs (live, or summaries of runs deleted) with their
        UTC day, the answers' table, and the column joining an answer to its run."""
        run: Any = Run if live else RunSummary
        answer: Any = Answer if live else AnswerSummary
        role = Participant.role if live else RunSummary.role
        sent = select(
            run.id.label("run_id"),
            self._utc_day(run.submitted_at).label("day"),
            role.label("role"),
            run.flow_id.label("flow_id"),
        ).where(run.status == "submitted", role.in_(FEEDBACK_ROLES))
        if live:
            sent = sent.join(Participant, Participant.id == Run.participant_id)
        return sent.subquery().c, answer, answer.run_id if live else answer.run_summary_id

    def _feedback(self, *, live: bool) -> list[Any]:
        """The respondent and choice rows of parents' and carers' sent runs."""
        s, answer, answer_run = self._sent(live=live)
        respondents = select(
            s.day,
            s.role,
            s.flow_id,
            literal("").label("step_id"),
            literal("respondent").label("measure"),
            literal("").label("value"),
        )
        choices = (
            select(s.day, s.role, s.flow_id, answer.step_id, literal("choice"), answer.choice)
            .join(answer, answer_run == s.run_id)
            .where(answer.kind.in_(CHOICE_KINDS), answer.choice.is_not(None))
        )
        return [respondents, choices]

    def _themes(self, *, live: bool) -> Any:
        """Each encrypted theme list of parents' and carers' sent runs, with its day."""
        s, answer, answer_run = self._sent(live=live)
        return (
            select(s.day, s.role, s.flow_id, answer.step_id, answer.text_themes_cipher)
            .join(answer, answer_run == s.run_id)
            .where(answer.text_themes_cipher.is_not(None))
        )
