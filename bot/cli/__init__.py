"""The `mysay` command line: one group, a module per area of work."""

from __future__ import annotations

import sys

import click

from bot.settings import SettingsError


class _FriendlyGroup(click.Group):
    """A click group that turns known operator errors into one line, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SettingsError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_FriendlyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """My Say: help children tell their IRO what they think before their review."""


def _register() -> None:
    # Imported here so `mysay --help` stays fast and each module owns its commands.
    from bot.cli import admin, database, flows, screen

    for module in (database, admin, flows, screen):
        for command in module.COMMANDS:
            cli.add_command(command)


def main() -> None:
    """Entry point of the `mysay` console script."""
    _register()
    cli()
