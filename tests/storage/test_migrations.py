"""Migrations: they build exactly the models, move what they move, run twice as a no-op, and
gate start-up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from bot.bootstrap import open_services
from bot.settings import Settings
from storage.database import Database, SchemaOutdated, alembic_config
from storage.models import Base
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
