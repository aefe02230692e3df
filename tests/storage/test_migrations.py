"""Migrations: they build exactly the models, run twice as a no-op, and gate start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from bot.bootstrap import open_services
from bot.settings import Settings
from storage.database import Database, SchemaOutdated
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
