"""Shared fixtures: a freshly migrated database per test, on SQLite and on PostgreSQL.

PostgreSQL tests need `MYSAY_TEST_POSTGRES_URL` (an admin URL; `.ci/run` sets it). Under
`CI=true` they fail rather than skip, so a CI run can never pass without PostgreSQL.
Each test gets its own database copied from a migrated template, so tests never share rows.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from sqlalchemy.engine import URL, make_url

from bot.bootstrap import Services, open_services
from bot.settings import Settings
from storage.crypto import new_key
from storage.database import alembic_config
from tests.support import FIXED_NOW

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _postgres_admin_url() -> URL:
    url = os.environ.get("MYSAY_TEST_POSTGRES_URL")
    if url:
        return make_url(url)
    if os.environ.get("CI") == "true":
        pytest.fail("MYSAY_TEST_POSTGRES_URL is not set; CI must run PostgreSQL tests")
    pytest.skip("PostgreSQL not configured (set MYSAY_TEST_POSTGRES_URL)")


def _postgres_admin(sql: str) -> None:
    """Run one statement that cannot run in a transaction (CREATE/DROP DATABASE)."""
    url = _postgres_admin_url()

    async def go() -> None:
        connection = await asyncpg.connect(
            host=url.host, port=url.port, user=url.username, database=url.database
        )
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(go())


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    command.upgrade(alembic_config(f"sqlite+aiosqlite:///{path}"), "head")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    name = f"mysay_tpl_{uuid.uuid4().hex[:8]}"
    _postgres_admin(f'CREATE DATABASE "{name}"')
    url = _postgres_admin_url().set(database=name)
    command.upgrade(alembic_config(url.render_as_string(hide_password=False)), "head")
    yield name
    _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty, migrated database of the parametrised backend."""
    if request.param == "sqlite":
        path = tmp_path / "mysay.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"mysay_t_{uuid.uuid4().hex[:10]}"
    _postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield _postgres_admin_url().set(database=name).render_as_string(hide_password=False)
    _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        data_key=new_key(),
        telegram_token="123456:TEST",
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    async with open_services(settings, clock=lambda: FIXED_NOW) as opened:
        yield opened
