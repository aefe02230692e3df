"""`mysay screen`: run safeguarding screening over lines of text, or measure it on a labelled set.

For people reviewing the screener: pipe in example messages and read one JSON object per
line back, or give `--evaluate FILE.tsv` to see how it does on labelled messages. Nothing is
logged or stored; the output never repeats the input (except a labelled set's misses, and
only when asked with `--show-misses`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

import click

from conversations.safeguarding import ScreeningContext, assess
from conversations.safeguarding.labelled import LabelledFileError, read_labelled
from conversations.safeguarding.model import AUTHORS

EVALUATE_HELP = (
    "Measure screening on a labelled TSV file (columns level, text, and optionally "
    "categories, audience, age, language) and print recall, false flags, the confusion "
    "matrix and recall per category; a set in several languages is measured per language "
    "too. May be given more than once."
)


@click.command("screen")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option(
    "--show-rules",
    is_flag=True,
    help="Also print why each line was flagged: rule ids or the classifier's reason.",
)
@click.option(
    "--author",
    type=click.Choice(sorted(AUTHORS)),
    default="child",
    show_default=True,
    help="Who wrote the lines: a parent's words are read as a parent's.",
)
@click.option(
    "--language",
    default="en",
    show_default=True,
    help="The language the lines were written in, as a run's language (cy, pl, uk, ar...).",
)
@click.option(
    "--evaluate",
    "labelled",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=EVALUATE_HELP,
)
@click.option(
    "--show-misses", is_flag=True, help="With --evaluate: also print the messages screened wrong."
)
def screen_command(
    source: TextIO,
    show_rules: bool,
    author: str,
    language: str,
    labelled: tuple[Path, ...],
    show_misses: bool,
) -> None:
    """Screen each line of SOURCE (stdin by default) and print one JSON line for it."""
    if labelled:
        _evaluate(labelled, show_misses)
        return
    context = ScreeningContext(author=author, language=language)
    for line in source:
        assessment = assess(line.rstrip("\r\n"), context)
        result = assessment.to_json_dict()
        if show_rules:
            result["rules"] = list(assessment.rules)
        # click.echo flushes, so each answer appears as soon as its line is typed.
        click.echo(json.dumps(result))


def _evaluate(paths: tuple[Path, ...], show_misses: bool) -> None:
    from conversations.safeguarding.evaluation import evaluate, report_lines

    for path in paths:
        try:
            messages = read_labelled(path)
        except LabelledFileError as error:
            raise click.ClickException(f"cannot evaluate {error}") from None
        result = evaluate(messages, assess)
        for line in report_lines(path.name, result):
            click.echo(line)
        languages = sorted({message.language for message in messages})
        for language in languages if len(languages) > 1 else ():
            written_in = [message for message in messages if message.language == language]
            for line in report_lines(f"{path.name} [{language}]", evaluate(written_in, assess)):
                click.echo(line)
        if show_misses:
            for message, got in result.misses:
                click.echo(
                    f"  miss: labelled {message.level}, screened {got.level}: {message.text}"
                )


COMMANDS: list[click.Command] = [screen_command]
