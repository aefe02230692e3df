"""Migrations: they build exactly the models, move what they move, run twice as a no-op,
gate start-up, and keep the report's counts."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from bot.bootstrap import open_services
from bot.settings import Settings
from storage.crypto import TextCipher, new_key
from storage.database import Database, SchemaOutdated, alembic_config
from storage.models import (
    Answer,
    AnswerSummary,
    Base,
    Child,
    FeedbackCount,
    Participant,
    Review,
    Run,
    RunSummary,
)
from storage.uow import UnitOfWork
from tests.support import mysay


def _diff(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


async def test_migrations_build_exactly_the_models(database_url: str) -> None:
    database = Database.connect(database_url)
    try:
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await database.dispose()


def test_db_upgrade_twice_is_a_no_op_the_second_time(tmp_path: Path) -> None:
    env = {"MYSAY_DATA_DIR": str(tmp_path / "data"), "MYSAY_DATABASE_URL": ""}
    first = mysay("db", "upgrade", env=env)
    assert first.exit_code == 0 and "upgraded from empty" in first.output
    second = mysay("db", "upgrade", env=env)
    assert second.exit_code == 0 and "already up to date" in second.output


async def test_the_app_refuses_an_outdated_schema(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(SchemaOutdated, match="mysay db upgrade"):
        async with open_services(settings):
            pass


def test_a_command_on_an_empty_database_says_to_upgrade(tmp_path: Path) -> None:
    env = {"MYSAY_DATA_DIR": str(tmp_path / "data"), "MYSAY_DATABASE_URL": ""}
    result = mysay("staff", "list", env=env)
    assert result.exit_code == 1
    assert "run `mysay db upgrade`" in result.output
    assert "Traceback" not in result.output


def test_upgrading_moves_each_question_message_from_the_run_to_the_adapter(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite+aiosqlite:///{path}"
    command.upgrade(alembic_config(url), "0007")
    with sqlite3.connect(path) as db:
        db.executescript(
            "INSERT INTO participant (id, telegram_id, role, locale, created_at)"
            " VALUES (1, 42, 'child', 'en', '2026-11-30');"
            "INSERT INTO run (id, participant_id, flow_id, flow_version, status, state_cipher,"
            " started_at, updated_at, version, prompt_message_id) VALUES"
            " (1, 1, 'checkin', 1, 'waiting', x'00', '2026-11-30', '2026-11-30', 1, 77),"
            " (2, 1, 'checkin', 1, 'submitted', x'00', '2026-11-30', '2026-11-30', 1, NULL);"
            "INSERT INTO answer (run_id, step_id, kind, answered_at)"
            " VALUES (1, 'mood', 'scale', '2026-11-30');"
        )
    command.upgrade(alembic_config(url), "head")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT run_id, message_id FROM telegram_prompt").fetchall() == [(1, 77)]
        assert db.execute("SELECT count(*) FROM answer").fetchone() == (1,)
    command.downgrade(alembic_config(url), "0007")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT id, prompt_message_id FROM run ORDER BY id").fetchall()
        assert rows == [(1, 77), (2, None)]


def _before_report_counts() -> str:
    """The revision before the one that keeps the report's counts (whatever its number)."""
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    found = next(
        script for script in scripts.walk_revisions() if script.path.endswith("_report_counts.py")
    )
    assert isinstance(found.down_revision, str)
    return found.down_revision


async def _seed_sent_runs(database_url: str) -> None:
    """A child's views and a parent's feedback sent, and a carer's run since deleted."""
    database = Database.connect(database_url)
    at = datetime(2025, 3, 4, 23, 30, tzinfo=UTC)
    try:
        async with database.engine.begin() as connection:
            run_columns = {"flow_version": 1, "state_cipher": b"", "version": 1}
            await connection.execute(
                insert(Child.__table__).values(id=1, case_ref="C1", created_at=at)
            )
            await connection.execute(
                insert(Review.__table__).values(
                    id=1,
                    child_id=1,
                    kind="cla_review",
                    due_date=date(2025, 3, 10),
                    held_on=date(2025, 3, 10),
                    created_at=at,
                )
            )
            await connection.execute(
                insert(Participant.__table__),
                [
                    {"id": n, "telegram_id": n, "role": role, "child_id": 1, "locale": "en"}
                    | {"created_at": at}
                    for n, role in ((1, "child"), (2, "parent"))
                ],
            )
            await connection.execute(
                insert(Run.__table__),
                [
                    {"id": n, "participant_id": n, "review_id": 1, "flow_id": flow}
                    | {"status": "submitted", "started_at": at, "updated_at": at}
                    | {"submitted_at": at + timedelta(days=n)}
                    | run_columns
                    for n, flow in ((1, "child_before_review"), (2, "parent_feedback"))
                ],
            )
            answer = {"run_id": 2, "text_cipher": None, "theme": None, "text_themes": None}
            answer |= {"answered_at": at}
            await connection.execute(
                insert(Answer.__table__),
                [
                    answer | {"step_id": "rating", "kind": "scale", "choice": "4"},
                    answer
                    | {"step_id": "better", "kind": "text", "choice": None}
                    | {"text_themes": "meeting,plan"},
                ],
            )
            await connection.execute(
                insert(RunSummary.__table__).values(
                    id=1,
                    child_id=1,
                    review_id=1,
                    participant_key=-1,
                    role="carer",
                    flow_id="parent_feedback",
                    status="submitted",
                    started_at=at,
                    submitted_at=at,
                )
            )
            await connection.execute(
                insert(AnswerSummary.__table__).values(
                    run_summary_id=1, step_id="rating", kind="scale", choice="5"
                )
            )
    finally:
        await database.dispose()


async def _kept_counts(database_url: str, *, recount: bool) -> tuple[list[object], object]:
    database = Database.connect(database_url)
    try:
        async with UnitOfWork(database, TextCipher([new_key()])) as uow:
            if recount:
                await uow.report_counts.recount()
            counted = (
                await uow.session.execute(
                    select(
                        FeedbackCount.day,
                        FeedbackCount.role,
                        FeedbackCount.step_id,
                        FeedbackCount.measure,
                        FeedbackCount.value,
                        FeedbackCount.n,
                    )
                )
            ).all()
            views = await uow.session.scalar(select(Review.views_sent_on))
            return sorted(tuple(row) for row in counted), views
    finally:
        await database.dispose()


def test_upgrading_counts_what_was_sent_before_as_the_bot_now_counts_it(
    database_url: str,
) -> None:
    command.downgrade(alembic_config(database_url), _before_report_counts())
    asyncio.run(_seed_sent_runs(database_url))
    command.upgrade(alembic_config(database_url), "head")
    migrated = asyncio.run(_kept_counts(database_url, recount=False))
    # 23:30 UTC on 4 March: the child sent views on the 5th, the parent on the 6th.
    assert migrated == (
        [
            (date(2025, 3, 4), "carer", "", "respondent", "", 1),
            (date(2025, 3, 4), "carer", "rating", "choice", "5", 1),
            (date(2025, 3, 6), "parent", "", "respondent", "", 1),
            (date(2025, 3, 6), "parent", "better", "themes", "meeting,plan", 1),
            (date(2025, 3, 6), "parent", "rating", "choice", "4", 1),
        ],
        date(2025, 3, 5),
    )
    assert asyncio.run(_kept_counts(database_url, recount=True)) == migrated
