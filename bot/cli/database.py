"""`mysay db ...`, `mysay keygen` and `mysay key rotate`: schema migrations and encryption keys."""

from __future__ import annotations

import asyncio

import click

# Each command imports what it uses: `mysay keygen` needs neither Alembic nor a database.


@click.group()
def db() -> None:
    """Create, upgrade and inspect the database schema."""


@db.command()
def upgrade() -> None:
    """Create the schema or bring it up to date (safe to run again)."""
    from alembic import command

    from bot.settings import load_settings
    from storage.crypto import cipher_from_settings
    from storage.database import alembic_config

    settings = load_settings()
    url = settings.effective_database_url
    before = asyncio.run(_revision(url))
    # The key, for migrations that encrypt what was stored in the clear.
    cipher = cipher_from_settings(settings.data_key, settings.data_dir)
    command.upgrade(alembic_config(url, cipher), "head")
    after = asyncio.run(_revision(url))
    if before == after:
        click.echo(f"Schema already up to date ({after}).")
    else:
        click.echo(f"Schema upgraded from {before or 'empty'} to {after}.")


@db.command()
def status() -> None:
    """Show the schema version of the database and the version the code needs."""
    from bot.settings import load_settings
    from storage.database import head_revision

    url = load_settings().effective_database_url
    current = asyncio.run(_revision(url))
    click.echo(f"database: {current or 'empty'}; code needs: {head_revision()}")
    if current != head_revision():
        click.echo("Run `mysay db upgrade`.")


async def _revision(url: str) -> str | None:
    from storage.database import Database

    database = Database.connect(url)
    try:
        return await database.current_revision()
    finally:
        await database.dispose()


@click.command()
def keygen() -> None:
    """Print a new key for MYSAY_DATA_KEY (to rotate, put it first: NEW,OLD)."""
    from storage.crypto import new_key

    click.echo(new_key())


@click.group()
def key() -> None:
    """Change the key free text is encrypted with."""


@key.command()
def rotate() -> None:
    """Re-encrypt every stored text under the newest key (set MYSAY_DATA_KEY=NEW,OLD first).

    Safe to stop and run again: it goes table by table, a batch per transaction. When it is
    done, MYSAY_DATA_KEY can be set to the new key alone.
    """
    from bot.settings import load_settings
    from storage.crypto import cipher_from_settings
    from storage.database import Database
    from storage.keys import rotate_keys

    settings = load_settings()
    if "," not in settings.data_key:
        raise click.UsageError(
            "set MYSAY_DATA_KEY to NEW,OLD (a key from `mysay keygen` first, then the old one)"
        )
    cipher = cipher_from_settings(settings.data_key, settings.data_dir)

    def report(table: str, count: int) -> None:
        click.echo(f"{table}: {count} row(s) re-encrypted")

    async def go() -> int:
        database = Database.connect(settings.effective_database_url)
        try:
            await database.ensure_current()
            return await rotate_keys(database, cipher, report)
        finally:
            await database.dispose()

    done = asyncio.run(go())
    click.echo(
        f"Done: {done} value(s) now under the new key. MYSAY_DATA_KEY may now be NEW alone."
    )


COMMANDS: list[click.Command] = [db, keygen, key]
