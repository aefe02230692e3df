"""The `mysay` command line: one group, a module per area of work."""

from __future__ import annotations

import sys

import click

from bot.settings import SettingsError
from conversations.flow_check import FlowError
from storage.admin import AdminError
from storage.crypto import DataKeyError
from storage.database import SchemaOutdated

# Errors an operator can fix from the message alone: one line, no traceback.
OPERATOR_ERRORS = (SettingsError, AdminError, DataKeyError, SchemaOutdated, FlowError)


class _FriendlyGroup(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except OPERATOR_ERRORS as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_FriendlyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """My Say: help children tell their IRO what they think before their review."""


def main() -> None:
    """Entry point of the `mysay` console script."""
    cli()


# Each module owns its commands; imported after `cli` exists so they can be added to it.
from bot.cli import (  # noqa: E402
    admin,
    database,
    flags,
    flows,
    playground,
    report,
    screen,
    serving,
)

for _module in (database, admin, flows, report, screen, flags, serving, playground):
    for _command in _module.COMMANDS:
        cli.add_command(_command)
