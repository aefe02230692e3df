"""`mysay flags`: safeguarding flags not yet closed, for operators (never the words)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from bot.app.flags import FlagLine


@click.group()
def flags() -> None:
    """See safeguarding flags (IROs act on them in Telegram with /flags)."""


@flags.command("list")
def list_flags() -> None:
    """List flags not yet closed, urgent first: case, level, categories, deadline."""
    from bot.app.flags import open_flags
    from bot.bootstrap import open_services
    from bot.settings import load_settings

    async def go() -> list[FlagLine]:
        async with open_services(load_settings()) as services:
            return await open_flags(services, None)

    lines = asyncio.run(go())
    if not lines:
        click.echo("No open safeguarding flags.")
        return
    for line in lines:
        due = f"{line.respond_by:%Y-%m-%d %H:%M} UTC" if line.respond_by else "-"
        click.echo(
            f"#{line.flag_id}\t{line.case_ref}\t{line.concern.level}\t{line.status}\t"
            f"{','.join(line.concern.categories)}\traised {line.created_at:%Y-%m-%d %H:%M} UTC\t"
            f"respond by {due}"
        )


COMMANDS: list[click.Command] = [flags]
