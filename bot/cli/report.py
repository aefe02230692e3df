"""`mysay report record|participation`: a child's review record, and the service's metrics."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from bot.cli.options import DATE_FORMS, written_date
from bot.cli.output import write_private
from conversations.sharing import READERS, Reader
from feedback_reports.suppression import SUPPRESS_BELOW

# Format name: the module in feedback_reports and the function that renders it, imported
# when used (the charts' Matplotlib alone costs seconds that `--help` need not pay).
RECORD_FORMATS = {
    "text": ("render_record", "render_text"),
    "md": ("render_record", "render_markdown"),
    "html": ("render_record", "render_html"),
}
PARTICIPATION_FORMATS = {
    "json": ("render_participation", "render_json"),
    "csv": ("render_participation", "render_csv"),
    "html": ("render_participation", "render_html"),
    "xlsx": ("render_workbook", "render_xlsx"),
}
# Formats a terminal cannot show: they need --out.
BINARY_FORMATS = frozenset({"xlsx"})


def _renderer(module: str, name: str) -> Callable[[Any], str | bytes]:
    """The function `name` of `feedback_reports.<module>`, imported now."""
    renderer: Callable[[Any], str | bytes] = getattr(
        importlib.import_module(f"feedback_reports.{module}"), name
    )
    return renderer


def _write(content: str | bytes, out: Path | None) -> None:
    if out is None:
        assert isinstance(content, str), "binary formats need --out"
        click.echo(content, nl=False)
        return
    # Records hold children's words in the clear: readable by their owner alone.
    write_private(out, content)
    click.echo(f"Wrote {out}.", err=True)


@click.group()
def report() -> None:
    """Make review-record summaries and participation reports."""


@report.command("record")
@click.option("--case-ref", required=True, help="The child's case reference.")
@click.option("--review-id", type=int, help="Which review; default: the next, else the latest.")
@click.option("--reader", type=click.Choice(READERS), default="iro", show_default=True)
@click.option("--format", "fmt", type=click.Choice(tuple(RECORD_FORMATS)), default="text")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
def record(
    case_ref: str, review_id: int | None, reader: Reader, fmt: str, out: Path | None
) -> None:
    """Summarise what a child (and their family) said before one review."""
    from bot.bootstrap import open_services
    from bot.settings import load_settings
    from feedback_reports.record import build_review_record
    from feedback_reports.record_model import ReportError

    async def go() -> str | bytes:
        async with open_services(load_settings()) as services, services.uow() as uow:
            found = await build_review_record(
                uow, case_ref, review_id, reader, actor="cli", now=services.clock()
            )
            return _renderer(*RECORD_FORMATS[fmt])(found)

    try:
        _write(asyncio.run(go()), out)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from None


@report.command("participation")
@click.option("--from", "start", required=True, callback=written_date, help=DATE_FORMS)
@click.option("--to", "end", required=True, callback=written_date, help=f"{DATE_FORMS}, included.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(PARTICIPATION_FORMATS)),
    default="json",
    show_default=True,
    help="xlsx needs --out.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
@click.option(
    "--exclude-pn0",
    is_flag=True,
    help="Leave meetings coded PN0 (child under 4) out of the participation rates.",
)
@click.option(
    "--suppress-below",
    type=click.IntRange(1, 100),
    default=SUPPRESS_BELOW,
    show_default=True,
    help="Withhold counts below this: with 5, counts from 1 to 4 (and what would give them "
    "away); 1 withholds nothing, for figures that stay inside the service.",
)
@click.option(
    "--compare/--no-compare",
    default=True,
    show_default=True,
    help="Show the same period a year before beside the main table.",
)
@click.option(
    "--chaired-by",
    metavar="USERNAME",
    help="Only the meetings this IRO chaired (invitations and feedback stay service-wide).",
)
def participation(
    start: date,
    end: date,
    fmt: str,
    out: Path | None,
    exclude_pn0: bool,
    suppress_below: int,
    compare: bool,
    chaired_by: str | None,
) -> None:
    """Report how children took part in meetings held in a period, and families' feedback."""
    if end < start:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    if fmt in BINARY_FORMATS and out is None:
        raise click.BadParameter(f"--format {fmt} needs --out FILE", param_hint="--out")
    from bot.bootstrap import open_services
    from bot.settings import load_settings
    from feedback_reports.participation import build_participation_report
    from feedback_reports.participation_model import ReportOptions

    async def go() -> str | bytes:
        settings = load_settings()
        options = ReportOptions(
            year_start_month=settings.report_year_start_month,
            targets=settings.report_targets,
            challenge_stage_days=settings.challenge_stage_days,
            exclude_pn0=exclude_pn0,
            suppress_below=suppress_below,
            compare=compare,
            chaired_by=chaired_by,
        )
        async with open_services(settings) as services, services.uow() as uow:
            built = await build_participation_report(
                uow, start, end, actor="cli", now=services.clock(), options=options
            )
            return _renderer(*PARTICIPATION_FORMATS[fmt])(built)

    try:
        _write(asyncio.run(go()), out)
    except ValueError as exc:  # an unknown --chaired-by
        raise click.BadParameter(str(exc), param_hint="--chaired-by") from None


COMMANDS: list[click.Command] = [report]
