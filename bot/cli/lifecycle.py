"""`mysay retention|subject-access|erase|audit`: keeping data only as long as it should be.

None of these prints a child's words: counts and file names only. The files they write are
readable by their owner alone.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from bot.cli.options import DATE_FORMS, written_date
from bot.cli.output import open_private, write_private

# Each command imports the use case it runs, so `--help` and the others do not pay for it.
if TYPE_CHECKING:
    from bot.app.erasure import ErasureCounts
    from bot.app.retention import RetentionCounts
    from bot.bootstrap import Services

T = TypeVar("T")


def _with_services(action: Callable[[Services], Awaitable[T]]) -> T:
    from bot.bootstrap import open_services
    from bot.settings import load_settings

    async def go() -> T:
        async with open_services(load_settings()) as services:
            return await action(services)

    return asyncio.run(go())


def _counts(counts: RetentionCounts) -> str:
    return ", ".join(f"{kind.replace('_', ' ')}: {n}" for kind, n in counts.as_dict().items())


@click.group()
def retention() -> None:
    """Delete what is past the keeping periods in settings (MYSAY_KEEP_*_MONTHS)."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
def retention_run(dry_run: bool) -> None:
    """Delete answers, runs, notes, closed flags, audit events and children's histories
    (periods in care, plans, IRO allocations, challenges) past their time.

    Deletes a batch per transaction, printing progress; safe to stop and run again. Meetings
    and the participation report's figures stay. The bot does this daily as well.
    """
    from bot.app.retention import count_past_retention, enforce_retention, limits_for

    def progress(kind: str, batch: int, total: int) -> None:
        click.echo(f"{kind.replace('_', ' ')}: deleted {batch} ({total} so far)")

    async def action(services: Services) -> RetentionCounts:
        limits = limits_for(services)
        click.echo(
            f"Answers, runs and notes of children whose last meeting was before "
            f"{limits.answers:%Y-%m-%d}; closed flags before {limits.flags:%Y-%m-%d}; "
            f"audit events before {limits.audit:%Y-%m-%d}; periods in care, plans, IRO "
            f"allocations and challenges of children with none open and nothing since "
            f"{limits.episodes:%Y-%m-%d}."
        )
        if dry_run:
            return await count_past_retention(services)
        return await enforce_retention(services, actor="cli", progress=progress)

    counts = _with_services(action)
    if dry_run:
        click.echo(f"Would delete {_counts(counts)}. Nothing was deleted (dry run).")
    else:
        click.echo(f"Deleted {_counts(counts)}.")


def _file_stem(case_ref: str, day: date) -> str:
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", case_ref)
    return f"subject-access-{safe}-{day:%Y%m%d}"


@click.command("subject-access")
@click.option("--case-ref", required=True, help="The child's case reference (any capitals).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the JSON and HTML files (created, owner-only, if new).",
)
def subject_access(case_ref: str, out: Path) -> None:
    """Export everything held about one child, as JSON and HTML, for a subject access request.

    The words are decrypted into the files, which only their owner can read; the export is
    recorded in the audit log.
    """
    from bot.app.subject_access import export_child
    from feedback_reports.render_subject_access import render_html

    out.mkdir(parents=True, exist_ok=True, mode=0o700)

    async def action(services: Services) -> dict[str, object]:
        return await export_child(services, case_ref, actor="cli")

    data = _with_services(action)
    made = datetime.fromisoformat(str(data["generated_at"]))
    stem = _file_stem(str(data["case_ref"]), made.date())
    json_path, html_path = out / f"{stem}.json", out / f"{stem}.html"
    write_private(json_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    write_private(html_path, render_html(data))
    click.echo(f"Wrote {json_path} and {html_path}.")


def _plan_lines(counts: ErasureCounts) -> str:
    return (
        f"{counts.participants} linked account(s), {counts.runs} run(s) with "
        f"{counts.answers} answer(s), {counts.invitations} invitation(s); the words of "
        f"{counts.flags_cleared} safeguarding flag(s)"
    )


@click.command()
@click.option("--case-ref", required=True, help="The child's case reference (any capitals).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(case_ref: str, yes: bool) -> None:
    """Erase a child's accounts, runs, answers and invitations, on request.

    Keeps the meetings and the participation report's figures, the flags without their
    words, the audit log, and a tombstone (the case reference's hash and the date).
    """
    from bot.app.erasure import erase_child, plan_erasure

    plan = _with_services(lambda services: plan_erasure(services, case_ref))
    click.echo(f"Erasing {plan.case_ref} deletes {_plan_lines(plan)}.")
    click.echo("Meetings and the participation report's figures are kept. This cannot be undone.")
    if not yes and not click.confirm("Erase?", default=False):
        click.echo("Nothing was erased.")
        sys.exit(1)
    done = _with_services(lambda services: erase_child(services, plan.case_ref, actor="cli"))
    click.echo(f"Erased {done.case_ref}: deleted {_plan_lines(done)}.")


@click.group()
def audit() -> None:
    """Export the audit log (who read or changed what)."""


@audit.command("export")
@click.option("--from", "start", required=True, callback=written_date, help=f"{DATE_FORMS} (UTC).")
@click.option("--to", "end", required=True, callback=written_date, help=f"{DATE_FORMS}, included.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
def audit_export(start: date, end: date, out: Path | None) -> None:
    """Export audit events of a period as CSV (to standard output, or an owner-only file)."""
    if end < start:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    from bot.app.audit_export import write_audit_csv

    async def action(services: Services) -> int:
        if out is None:
            return await write_audit_csv(services, start, end, sys.stdout)
        with open_private(out) as file:
            return await write_audit_csv(services, start, end, file)

    rows = _with_services(action)
    click.echo(f"Exported {rows} audit event(s).", err=True)


COMMANDS: list[click.Command] = [retention, subject_access, erase, audit]
