"""`mysay run` and `mysay serve`: the bot itself, by long polling or behind a webhook.

Flow files are checked once, when the application is built; a broken one stops start-up
with one line naming file, step and field. Each command imports only its own mode: polling
never loads the web server, and `--help` loads neither.
"""

from __future__ import annotations

import asyncio

import click


@click.command()
def run() -> None:
    """Run the bot with long polling (stop with Ctrl+C or SIGTERM)."""
    from bot.settings import load_settings
    from bot.telegram.runtime import configure_logging, poll, require_token

    settings = load_settings()
    require_token(settings)
    configure_logging()
    asyncio.run(poll(settings))


@click.command()
def serve() -> None:
    """Run the bot behind a web server Telegram posts to (stop with Ctrl+C or SIGTERM)."""
    from bot.settings import load_settings
    from bot.telegram.runtime import configure_logging, require_token
    from bot.telegram.webhook import require_webhook, serve_webhook

    settings = load_settings()
    require_token(settings)
    require_webhook(settings)
    configure_logging()
    asyncio.run(serve_webhook(settings))


COMMANDS: list[click.Command] = [run, serve]
