"""The lifecycle commands are listed with help, and their migrations go down and up again."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.script import ScriptDirectory

from storage.database import Database, alembic_config
from tests.support import mysay


def test_every_lifecycle_command_has_help() -> None:
    listed = mysay("--help").output
    for name in ("retention", "subject-access", "erase", "audit"):
        assert name in listed
    for args in (["retention", "run"], ["subject-access"], ["erase"], ["audit", "export"]):
        result = mysay(*args, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output, args


def _revision(url: str) -> str | None:
    async def go() -> str | None:
        database = Database.connect(url)
        try:
            return await database.current_revision()
        finally:
            await database.dispose()

    return asyncio.run(go())


def test_migrations_since_0005_downgrade_and_upgrade_again(database_url: str) -> None:
    config = alembic_config(database_url)
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None and head > "0006"  # lifecycle (0006) and requests (0007)
    assert _revision(database_url) == head
    command.downgrade(config, "0005")
    assert _revision(database_url) == "0005"
    command.upgrade(config, "head")
    assert _revision(database_url) == head
