"""`mysay screen`: run safeguarding screening over lines of text from stdin or a file.

For people reviewing the rules: pipe in example messages, read one JSON object per line
back. Nothing is logged or stored; the output never repeats the input.
"""

from __future__ import annotations

import json
from typing import TextIO

import click

from conversations.safeguarding import assess


@click.command("screen")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option(
    "--show-rules",
    is_flag=True,
    help="Also print the ids of the rules that matched (to review or debug the rules).",
)
def screen_command(source: TextIO, show_rules: bool) -> None:
    """Screen each line of SOURCE (stdin by default) and print one JSON line for it."""
    for line in source:
        assessment = assess(line.rstrip("\r\n"))
        result = assessment.to_json_dict()
        if show_rules:
            result["rules"] = list(assessment.rules)
        # click.echo flushes, so each answer appears as soon as its line is typed.
        click.echo(json.dumps(result))


COMMANDS: list[click.Command] = [screen_command]
