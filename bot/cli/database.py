"""`mysay db ...` and `mysay keygen`: schema migrations and encryption keys."""

from __future__ import annotations

import asyncio

import click
from alembic import command

from bot.settings import load_settings
from storage.crypto import new_key
from storage.database import Database, alembic_config, head_revision


@click.group()
def db() -> None:
    """Create, upgrade and inspect the database schema."""


@db.command()
def upgrade() -> None:
    """Create the schema or bring it up to date (safe to run again)."""
    url = load_settings().effective_database_url
    before = asyncio.run(_revision(url))
    command.upgrade(alembic_config(url), "head")
    after = asyncio.run(_revision(url))
    if before == after:
        click.echo(f"Schema already up to date ({after}).")
    else:
        click.echo(f"Schema upgraded from {before or 'empty'} to {after}.")


@db.command()
def status() -> None:
    """Show the schema version of the database and the version the code needs."""
    url = load_settings().effective_database_url
    current = asyncio.run(_revision(url))
    click.echo(f"database: {current or 'empty'}; code needs: {head_revision()}")
    if current != head_revision():
        click.echo("Run `mysay db upgrade`.")


async def _revision(url: str) -> str | None:
    database = Database.connect(url)
    try:
        return await database.current_revision()
    finally:
        await database.dispose()


@click.command()
def keygen() -> None:
    """Print a new key for MYSAY_DATA_KEY (to rotate, put it first: NEW,OLD)."""
    click.echo(new_key())


COMMANDS: list[click.Command] = [db, keygen]
