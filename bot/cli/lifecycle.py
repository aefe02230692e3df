"""`mysay retention`: keeping data only as long as it should be.

It never prints a child's words: counts only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from bot.bootstrap import Services, open_services
from bot.settings import load_settings
from bot.usecases.retention import (
    RetentionCounts,
    count_past_retention,
    enforce_retention,
    limits_for,
)

T = TypeVar("T")


def _with_services(action: Callable[[Services], Awaitable[T]]) -> T:
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
    """Delete answers, runs, notes, closed flags and audit events past their time.

    Deletes a batch per transaction, printing progress; safe to stop and run again. Meetings
    and the participation report's figures stay. The bot does this daily as well.
    """

    def progress(kind: str, batch: int, total: int) -> None:
        click.echo(f"{kind.replace('_', ' ')}: deleted {batch} ({total} so far)")

    async def action(services: Services) -> RetentionCounts:
        limits = limits_for(services)
        click.echo(
            f"Answers, runs and notes of children whose last meeting was before "
            f"{limits.answers:%Y-%m-%d}; closed flags before {limits.flags:%Y-%m-%d}; "
            f"audit events before {limits.audit:%Y-%m-%d}."
        )
        if dry_run:
            return await count_past_retention(services)
        return await enforce_retention(services, actor="cli", progress=progress)

    counts = _with_services(action)
    if dry_run:
        click.echo(f"Would delete {_counts(counts)}. Nothing was deleted (dry run).")
    else:
        click.echo(f"Deleted {_counts(counts)}.")


COMMANDS: list[click.Command] = [retention]
