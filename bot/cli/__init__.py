"""The `mysay` command line: one group, a module per area of work, each imported when used.

Importing every module up front cost seconds (the bot, the reports, matplotlib) before
even `--help` could answer, so the group knows each command's module and one-line help
and imports a module only to run one of its commands.
"""

from __future__ import annotations

import importlib
import sys

import click

# Each module under bot.cli, and its commands with the one-line help `mysay --help` shows.
COMMANDS_BY_MODULE: dict[str, dict[str, str]] = {
    "database": {
        "db": "Create, upgrade and inspect the database schema.",
        "keygen": "Print a new key for MYSAY_DATA_KEY (to rotate, put it first: NEW,OLD).",
        "key": "Change the key free text is encrypted with (`mysay key rotate`).",
    },
    "admin": {
        "staff": "Add and list IROs, managers and admins.",
        "child": "Add children by case reference.",
        "review": "Add looked-after reviews and child protection conferences.",
        "import": "Import children, reviews, care episodes, plans, IRO allocations or "
        "challenges from CSV.",
        "invite": "Create a one-time invitation and print its Telegram link.",
    },
    "flows": {"flows": "Check and try the questionnaires (flows)."},
    "i18n": {"i18n": "See how far each language is translated (`mysay i18n status`)."},
    "report": {"report": "Make review-record summaries and participation reports."},
    "screen": {"screen": "Screen lines of text for safeguarding concerns, or measure screening."},
    "safeguarding": {"safeguarding": "Look after safeguarding screening's learned layer."},
    "flags": {"flags": "See safeguarding flags (IROs act on them in Telegram with /flags)."},
    "lifecycle": {
        "retention": "Delete what is past its keeping period (`mysay retention run`).",
        "subject-access": "Export everything held about one child (JSON and HTML).",
        "erase": "Erase a child's accounts, runs and answers; keep the figures.",
        "audit": "Export the audit log as CSV (`mysay audit export`).",
    },
    "serving": {
        "run": "Run the bot with long polling (stop with Ctrl+C or SIGTERM).",
        "serve": "Run the bot behind a web server Telegram posts to.",
    },
    "web": {"web": "Run the staff web workspace; `mysay web link` prints a sign-in link."},
    "playground": {"try": "Try My Say without Telegram: play a demo child, parent or IRO."},
}
# name: (module, one-line help), for the group.
COMMAND_MODULES = {
    name: (module, help_line)
    for module, commands in COMMANDS_BY_MODULE.items()
    for name, help_line in commands.items()
}


def _operator_error(exc: Exception) -> bool:
    """Tell whether an operator can fix `exc` from its message alone (no traceback)."""
    # Imported here, once something failed, so a command that works never pays for them.
    from bot.app.admin import AdminError
    from bot.settings import SettingsError
    from conversations.flow_check import FlowError
    from conversations.safeguarding import ModelError, RulesError
    from storage.crypto import DataKeyError
    from storage.database import SchemaOutdated

    operator_errors = (SettingsError, AdminError, DataKeyError, SchemaOutdated, FlowError)
    return isinstance(exc, (*operator_errors, ModelError, RulesError))


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMAND_MODULES:
            return None
        module = importlib.import_module(f"bot.cli.{COMMAND_MODULES[cmd_name][0]}")
        return next(command for command in module.COMMANDS if command.name == cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMAND_MODULES[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            # Click's own ends (`--help`, a bad option): telling them from an operator's
            # error would import every module that error could come from.
            raise
        except Exception as exc:
            if not _operator_error(exc):
                raise
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """My Say: help children tell their IRO what they think before their review."""


def main() -> None:
    """Entry point of the `mysay` console script."""
    cli()
