"""`mysay flows`: check flow files and try a flow in the terminal."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from conversations.flow_check import FLOWS_DIR, FlowError, check_flow_file, load_flow, load_flows
from conversations.flow_spec import AUDIENCES, Flow
from conversations.flow_versions import check_versions, keep_versions
from conversations.reading_level import reading_warnings
from conversations.review_kinds import REVIEW_KINDS
from conversations.runner import run_conversation
from conversations.runs import RunContext, age_band_for


@click.group()
def flows() -> None:
    """Check and try the questionnaires (flows)."""


@flows.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Check flow files (all packaged flows if no PATH is given); exit 1 on any problem.

    A folder's flows are also checked against the versions kept in its archive/: a flow whose
    questions or options are worded differently from its kept version needs a new version.
    Also warns (without failing) when a prompt a child sees reads above their age band.
    """
    given = paths or (FLOWS_DIR,)
    files = sorted(
        file for path in given for file in (path.glob("*.yaml") if path.is_dir() else [path])
    )
    problems = [problem for file in files for problem in check_flow_file(file)]
    if not problems:
        problems = [problem for path in given if path.is_dir() for problem in check_versions(path)]
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(1)
    warnings = [str(w) for file in files for w in reading_warnings(load_flow(file))]
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    hard = f", {len(warnings)} prompt(s) above their reading level" if warnings else ""
    click.echo(f"{len(files)} flows OK{hard}")


@flows.command()
@click.argument(
    "folder",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
def keep(folder: Path | None) -> None:
    """Keep each flow's new version in archive/, so answers given under it keep its words.

    Run it after raising a flow's version (FOLDER defaults to the packaged flows). Refuses,
    writing nothing, when a flow was reworded without raising its version.
    """
    try:
        written = keep_versions(folder or FLOWS_DIR)
    except FlowError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in written:
        click.echo(f"kept {path.parent.name}/{path.name}")
    if not written:
        click.echo("every flow's version is kept already")


@flows.command()
@click.argument("flow")
@click.option("--age", type=click.IntRange(min=0), help="The child's age in years.")
@click.option("--kind", type=click.Choice(REVIEW_KINDS), help="The kind of meeting.")
@click.option("--audience", type=click.Choice(AUDIENCES), help="Who is answering.")
@click.option("--locale", default="en", show_default=True, help="Language of the questions.")
def run(flow: str, age: int | None, kind: str | None, audience: str | None, locale: str) -> None:
    """Run FLOW (a packaged flow id or a file) in the terminal, reading answers from stdin."""
    try:
        loaded = _find_flow(flow)
    except FlowError as exc:
        raise click.ClickException(str(exc)) from exc
    context = RunContext(
        audience=audience or loaded.audience[0],
        age_band=age_band_for(age) if age is not None else None,
        review_kind=kind,
        locale=locale,
    )

    def read_line() -> str | None:
        """Read one answer; None at the end of input."""
        return sys.stdin.readline() or None

    run_conversation(
        loaded,
        context,
        read_line,
        click.echo,
        lambda: datetime.now(UTC),
        echo=not sys.stdin.isatty(),
    )


def _find_flow(name: str) -> Flow:
    if name.endswith((".yaml", ".yml")):
        return load_flow(name)
    available = load_flows()
    if name not in available:
        known = ", ".join(sorted(available))
        raise click.BadParameter(f"no flow '{name}'; known flows: {known}", param_hint="FLOW")
    return available[name]


COMMANDS: list[click.Command] = [flows]
