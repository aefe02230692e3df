"""`mysay i18n status`: how much of each language is translated, and how much is reviewed."""

from __future__ import annotations

import click

from bot.app.texts import catalogue as bot_catalogue
from conversations.catalogue import Catalogue
from conversations.flow_check import load_flows
from conversations.languages import TRANSLATED, native_name
from conversations.messages import catalogue as engine_catalogue
from conversations.translations import flow_coverage


@click.group()
def i18n() -> None:
    """See how far each language is translated."""


@i18n.command()
def status() -> None:
    """Print coverage per language: the bot's words, the engine's, and each flow's texts.

    Catalogue lines count machine and reviewed translations; a flow marks no status, so its
    line counts texts translated, and says whether the flow lists the language.
    """
    flows = load_flows()
    for locale in TRANSLATED:
        click.echo(f"{locale} ({native_name(locale)})")
        for name, catalogue in (("bot", bot_catalogue()), ("engine", engine_catalogue())):
            click.echo(f"  {_catalogue_line(name, catalogue, locale)}")
        for flow_id, flow in sorted(flows.items()):
            translated, total = flow_coverage(flow, locale)
            listed = "listed" if locale in flow.languages else "not listed"
            click.echo(f"  flow {flow_id}: {translated}/{total} texts ({listed})")


def _catalogue_line(name: str, catalogue: Catalogue, locale: str) -> str:
    coverage = catalogue.coverage(locale)
    line = (
        f"{name}: {coverage.translated}/{coverage.total} messages "
        f"({coverage.reviewed} reviewed, {coverage.machine} machine)"
    )
    return f"{line}, missing {len(coverage.missing)}" if coverage.missing else line


COMMANDS: list[click.Command] = [i18n]
