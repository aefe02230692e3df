"""Reviews and the runs (with their answers) that participants make for them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Update, bindparam, delete, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from storage.models import OPEN_RUN, Answer, AnswerSummary, Child, Participant, Review, Run
from storage.repositories.base import Repository, Upsert, insert_into, table_of
from storage.repositories.funnel_counts import funnel_days, note_participant


class ReviewRepository(Repository):
    def add(self, review: Review) -> Review:
        self.session.add(review)
        return review

    async def get(self, review_id: int) -> Review | None:
        return await self.session.get(Review, review_id)

    async def find(self, child_id: int, kind: str, due_date: date) -> Review | None:
        query = select(Review).where(
            Review.child_id == child_id, Review.kind == kind, Review.due_date == due_date
        )
        return await self.session.scalar(query)

    async def next_for_child(self, child_id: int, today: date) -> Review | None:
        """The earliest review not yet held and not overdue by more than a week."""
        query = (
            select(Review)
            .where(Review.child_id == child_id, Review.held_on.is_(None))
            .order_by(Review.due_date)
        )
        for review in await self.session.scalars(query):
            if (today - review.due_date).days <= 7:
                return review
        return None

    async def earliest_not_held(self, child_id: int) -> Review | None:
        """The child's earliest meeting with no outcome recorded, however long ago it was due."""
        query = (
            select(Review)
            .where(Review.child_id == child_id, Review.held_on.is_(None))
            .order_by(Review.due_date, Review.id)
        )
        return await self.session.scalar(query)

    async def latest_held(self, child_id: int) -> Review | None:
        query = (
            select(Review)
            .where(Review.child_id == child_id, Review.held_on.is_not(None))
            .order_by(Review.held_on.desc(), Review.id.desc())
        )
        return await self.session.scalar(query)

    async def not_held_between(
        self, first: date, last: date, child_ids: Sequence[int] | None
    ) -> Sequence[tuple[Review, Child]]:
        """Meetings not yet held and due in [first, last], soonest first (all children: None)."""
        query = (
            select(Review, Child)
            .join(Child, Child.id == Review.child_id)
            .where(Review.held_on.is_(None), Review.due_date >= first, Review.due_date <= last)
            .order_by(Review.due_date, Child.case_ref)
        )
        if child_ids is not None:
            query = query.where(Review.child_id.in_(child_ids))
        return [(review, child) for review, child in (await self.session.execute(query)).all()]

    async def latest_for_child(self, child_id: int, today: date) -> Review | None:
        """The meeting an outcome is recorded for: the latest one due by today, else the next."""
        due = (
            select(Review)
            .where(Review.child_id == child_id, Review.due_date <= today)
            .order_by(Review.due_date.desc(), Review.id.desc())
        )
        found = await self.session.scalar(due)
        if found is not None:
            return found
        return await self.next_for_child(child_id, today)

    async def recent_for_child(self, child_id: int, since: date, until: date) -> Sequence[Review]:
        """The child's meetings due in [since, until], latest first (to pick an outcome's)."""
        query = (
            select(Review)
            .where(Review.child_id == child_id, Review.due_date >= since, Review.due_date <= until)
            .order_by(Review.due_date.desc(), Review.id.desc())
        )
        return (await self.session.scalars(query)).all()

    def encrypt_note(self, review: Review, note: str | None) -> None:
        review.note_to_child_cipher = self.cipher.encrypt(note) if note else None

    def note_to_child(self, review: Review) -> str | None:
        if review.note_to_child_cipher is None:
            return None
        return self.cipher.decrypt(review.note_to_child_cipher)


class RunRepository(Repository):
    """Runs and their answers; the engine's run value is kept encrypted as one JSON blob."""

    def add(self, run: Run) -> Run:
        self.session.add(run)
        return run

    async def get(self, run_id: int) -> Run | None:
        return await self.session.get(Run, run_id)

    async def open_for(self, participant_id: int) -> Sequence[Run]:
        query = (
            select(Run)
            .where(Run.participant_id == participant_id, Run.status.in_(OPEN_RUN))
            .order_by(Run.updated_at.desc())
        )
        return (await self.session.scalars(query)).all()

    async def submitted_for(self, participant_ids: Sequence[int]) -> Sequence[Run]:
        query = (
            select(Run)
            .where(Run.participant_id.in_(participant_ids), Run.status == "submitted")
            .order_by(Run.submitted_at.desc())
        )
        return (await self.session.scalars(query)).all()

    async def for_review(self, review_id: int) -> Sequence[Run]:
        return await self.for_reviews([review_id])

    async def for_reviews(self, review_ids: Sequence[int]) -> Sequence[Run]:
        if not review_ids:
            return []
        query = select(Run).where(Run.review_id.in_(review_ids)).order_by(Run.id)
        return (await self.session.scalars(query)).all()

    async def unread_from_child(
        self, child_id: int, review_id: int, also_flow: str
    ) -> Sequence[tuple[Run, Participant]]:
        """The child's sent runs for this meeting, and any sent `also_flow` runs, not yet read."""
        query = (
            select(Run, Participant)
            .join(Participant, Participant.id == Run.participant_id)
            .where(
                (Run.review_id == review_id) | (Run.flow_id == also_flow),
                Run.status == "submitted",
                Run.read_by_iro_at.is_(None),
                Participant.child_id == child_id,
                Participant.role == "child",
            )
        )
        return [
            (run, participant) for run, participant in (await self.session.execute(query)).all()
        ]

    def write_state(self, run: Run, state: dict[str, Any]) -> None:
        run.state_cipher = self._state_cipher(state)

    async def save_state(self, run: Run, state: dict[str, Any], **columns: Any) -> None:
        """Write a run's new state and the columns that go with it, in one statement.

        Every input moves a run on, and the ORM's flush of the changed row cost more than
        the rest of the input's statements together. The row object is left as stored (not
        dirty), one version on; StaleDataError if another writer moved the run on first, as
        the ORM's own version check would say.
        """
        values = {**columns, "state_cipher": self._state_cipher(state)}
        where = {"run_id": run.id, "seen_version": run.version}
        result = await self.session.execute(_save_run(), {**values, **where})
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleDataError(f"run {run.id} was changed by another writer")
        if funnel_days(run.__dict__) != funnel_days({**run.__dict__, **columns}):
            # Sent (or no longer): the funnel's rows of the run's person move.
            note_participant(self.session.sync_session, run.participant_id)
        for name, value in {**values, "version": run.version + 1}.items():
            set_committed_value(run, name, value)

    def _state_cipher(self, state: dict[str, Any]) -> bytes:
        return self.cipher.encrypt(json.dumps(state, sort_keys=True))

    def read_state(self, run: Run) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.cipher.decrypt(run.state_cipher))
        return value

    async def answers(self, run_id: int) -> Sequence[Answer]:
        query = select(Answer).where(Answer.run_id == run_id).order_by(Answer.id)
        return (await self.session.scalars(query)).all()

    async def put_answer(
        self,
        run_id: int,
        step_id: str,
        kind: str,
        *,
        choice: str | None,
        text: str | None,
        theme: str | None,
        now: datetime,
        sentiment: float | None = None,
        text_themes: str | None = None,
    ) -> None:
        """Insert or replace the answer to one step, in one statement."""
        values = {
            "run_id": run_id,
            "step_id": step_id,
            "kind": kind,
            "choice": choice,
            "text_cipher": self.cipher.encrypt(text) if text is not None else None,
            "theme": theme,
            "sentiment": sentiment,
            "text_themes_cipher": self._themes_cipher(text_themes),
            "answered_at": now,
        }
        await self.session.execute(_put_answer(self.on_postgres), values)

    async def drop_answers(self, run_id: int, step_ids: Sequence[str]) -> None:
        await self.session.execute(
            delete(Answer).where(Answer.run_id == run_id, Answer.step_id.in_(step_ids))
        )

    async def note_themes(self, run_id: int, step_id: str, themes: str) -> None:
        """Store the themes found in a typed answer, encrypted: they tell of the words."""
        await self.session.execute(
            update(Answer)
            .where(Answer.run_id == run_id, Answer.step_id == step_id)
            .values(text_themes_cipher=self._themes_cipher(themes))
        )

    def _themes_cipher(self, themes: str | None) -> bytes | None:
        return self.cipher.encrypt(themes) if themes else None

    def answer_text(self, answer: Answer) -> str | None:
        return None if answer.text_cipher is None else self.cipher.decrypt(answer.text_cipher)

    def answer_themes(self, answer: Answer | AnswerSummary) -> str | None:
        """The themes a typed answer mentions, comma-joined (None if it mentions none)."""
        found = answer.text_themes_cipher
        return None if found is None else self.cipher.decrypt(found)


# What a new answer to a step replaces (its row's id, run and step stay).
_ANSWER_VALUES = (
    "kind",
    "choice",
    "text_cipher",
    "theme",
    "sentiment",
    "text_themes_cipher",
    "answered_at",
)


@cache
def _save_run() -> Update:
    """UPDATE run SET (the columns the parameters name), version + 1 WHERE the id and the
    version read match: built once (every input runs it)."""
    run = table_of(Run)
    seen = run.c.id == bindparam("run_id"), run.c.version == bindparam("seen_version")
    return update(run).where(*seen).values(version=run.c.version + 1)


@cache
def _put_answer(postgres: bool) -> Upsert:
    """Insert or replace one answer: built once per database kind (every answer runs it)."""
    insert = insert_into(table_of(Answer), postgres)
    replaced = {name: insert.excluded[name] for name in _ANSWER_VALUES}
    return insert.on_conflict_do_update(index_elements=["run_id", "step_id"], set_=replaced)
