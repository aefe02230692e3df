"""`mysay web`: the staff workspace, and `mysay web link` for a one-time sign-in link."""

from __future__ import annotations

import asyncio

import click


@click.group(invoke_without_command=True)
@click.pass_context
def web(ctx: click.Context) -> None:
    """Run the staff web workspace (stop with Ctrl+C or SIGTERM); see `mysay web link`."""
    if ctx.invoked_subcommand is not None:
        return
    # Imported here, as in every command: `mysay web --help` loads none of the bot.
    from bot.settings import load_settings
    from bot.telegram.runtime import configure_logging, until_stopped
    from bot.web.server import serve_workspace

    configure_logging()
    asyncio.run(serve_workspace(load_settings(), until_stopped))


@web.command("link")
@click.option("--staff", "username", required=True, help="The staff member's username.")
def link(username: str) -> None:
    """Print a one-time sign-in link for a staff member (10 minutes, works once)."""
    from bot.app.web_access import issue_sign_in_link_for, sign_in_link
    from bot.bootstrap import open_services
    from bot.settings import load_settings

    settings = load_settings()

    async def go() -> str:
        async with open_services(settings) as services:
            return await issue_sign_in_link_for(services, username)

    token = asyncio.run(go())
    click.echo(sign_in_link(settings.workspace_url, token))


COMMANDS: list[click.Command] = [web]
