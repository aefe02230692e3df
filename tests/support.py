"""Values and helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from click.testing import CliRunner, Result

from bot.cli import cli

FIXED_NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def mysay(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    """Run a `mysay` command in-process, as an operator would type it."""
    return CliRunner().invoke(cli, list(args), env=env, input=input)
