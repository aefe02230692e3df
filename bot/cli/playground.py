"""`mysay try`: chat with My Say in this terminal as a demo child, parent or IRO."""

from __future__ import annotations

import asyncio

import click


@click.command("try")
def try_() -> None:
    """Try My Say without Telegram: play a demo child, parent or IRO in this terminal."""
    # Imported here, so `mysay try --help` does not start the whole bot.
    from bot.playground.terminal import (
        log_to_file,
        playground_settings,
        prepare_database,
        run_playground,
    )
    from bot.settings import load_settings
    from conversations.flow_versions import packaged_library

    settings = playground_settings(load_settings())
    log = log_to_file(settings.data_dir)
    # A broken flow file, or one reworded without a new version, stops start-up here.
    packaged_library()
    click.echo("Starting a pretend Telegram and the bot (demo data in the data folder)…")
    # Before the event loop starts: Alembic's env.py runs a loop of its own.
    prepare_database(settings)
    asyncio.run(run_playground(settings))
    click.echo(f"Bye! The bot's log is in {log}.")


COMMANDS: list[click.Command] = [try_]

if __name__ == "__main__":
    try_()
