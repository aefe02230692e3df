"""`mysay staff|child|review|import|invite`: setting up people and meetings."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from bot.cli.options import DATE_FORMS, written_date
from conversations.review_kinds import REVIEW_KINDS
from storage.roles import STAFF_ROLES

# Each command imports the rest of what it uses: the use cases (SQLAlchemy and the models),
# the bot's Telegram library, the settings and the CSV importer cost seconds that `--help`
# and the other commands need not pay.
if TYPE_CHECKING:
    from bot.app import admin
    from bot.app.staff_admin import Importer
    from bot.bootstrap import Services
    from storage.imports import ImportResult
    from storage.uow import UnitOfWork

T = TypeVar("T")


def run_in_uow(action: Callable[[UnitOfWork, Services], Awaitable[T]]) -> T:
    """Run one action in one committed unit of work."""
    from bot.bootstrap import open_services
    from bot.settings import load_settings

    async def go() -> T:
        async with open_services(load_settings()) as services, services.uow() as uow:
            result = await action(uow, services)
            await uow.commit()
            return result

    return asyncio.run(go())


@click.group()
def staff() -> None:
    """Add and list IROs, managers and admins."""


@staff.command("add")
@click.option("--username", required=True, help="A short login name, unique.")
@click.option("--name", required=True, help="The name shown to colleagues.")
@click.option("--role", required=True, type=click.Choice(STAFF_ROLES))
@click.option("--telegram-id", type=int, help="Numeric Telegram user id, if known.")
def staff_add(username: str, name: str, role: str, telegram_id: int | None) -> None:
    """Add a staff member."""
    from bot.app import admin

    run_in_uow(
        lambda uow, services: admin.add_staff(
            uow, username, name, role, telegram_id, services.clock()
        )
    )
    click.echo(f"Added {role} {username}.")


@staff.command("list")
def staff_list() -> None:
    """List staff members."""

    async def action(uow: UnitOfWork, _services: Services) -> list[str]:
        return [
            f"{s.username}\t{s.role}\t{s.name}\t{'linked' if s.telegram_id else 'not linked'}"
            for s in await uow.staff.list()
        ]

    lines = run_in_uow(action)
    click.echo("\n".join(lines) if lines else "No staff yet. Add one with `mysay staff add`.")


@click.group()
def child() -> None:
    """Add children by case reference."""


@child.command("add")
@click.option("--case-ref", required=True, help="The local authority's case reference.")
@click.option("--birth-date", callback=written_date, help=DATE_FORMS)
@click.option("--gender", help="The DfE code (1 male, 2 female) or its word.")
@click.option("--ethnicity", help="The DfE ethnicity code (WBRI, MWBC, ...) or its words.")
@click.option(
    "--legal-status", help="The DfE legal status code (C2, V2, ...) or its words ('Section 20')."
)
@click.option("--iro", "iro_username", help="Username of the allocated IRO.")
def child_add(
    case_ref: str,
    birth_date: date | None,
    gender: str | None,
    ethnicity: str | None,
    legal_status: str | None,
    iro_username: str | None,
) -> None:
    """Add a child."""
    from bot.app import admin

    run_in_uow(
        lambda uow, services: admin.add_child(
            uow,
            case_ref,
            services.clock(),
            birth_date=birth_date,
            gender=gender,
            ethnicity=ethnicity,
            legal_status=legal_status,
            iro_username=iro_username,
        )
    )
    click.echo(f"Added child {case_ref}.")


@click.group()
def review() -> None:
    """Add looked-after reviews and child protection conferences."""


@review.command("add")
@click.option("--case-ref", required=True, help="The child's case reference (any capitals).")
@click.option("--kind", required=True, type=click.Choice(REVIEW_KINDS))
@click.option("--due", required=True, callback=written_date, help=DATE_FORMS)
@click.option("--held", callback=written_date, help=f"{DATE_FORMS}, if already held.")
def review_add(case_ref: str, kind: str, due: date, held: date | None) -> None:
    """Add a review or conference for a child."""
    from bot.app import admin

    run_in_uow(
        lambda uow, services: admin.add_review(uow, case_ref, kind, due, held, services.clock())
    )
    click.echo(f"Added {kind} for {case_ref} due {due.isoformat()}.")


@click.group("import")
def import_() -> None:
    """Import children, reviews, care episodes, child protection plans, IRO allocations or
    challenges from CSV.

    Each file goes in whole or not at all, and importing it again changes nothing. Import
    children first: the other files name them by case reference.
    """


def _import(path: Path, columns: tuple[str, ...], importer: Importer) -> None:
    from tqdm import tqdm

    from storage import imports

    async def action(uow: UnitOfWork, services: Services) -> ImportResult:
        # Progress only on a terminal (disable=None): piped, a bar would run into the result.
        rows = tqdm(
            imports.read_rows(path, columns),
            desc=path.name,
            unit=" rows",
            leave=False,
            disable=None,
        )
        return await importer(uow, list(rows), services.today())

    try:
        result = run_in_uow(action)
    except imports.ImportRejected as rejected:
        for problem in rejected.problems:
            click.echo(f"{path}: {problem}", err=True)
        raise click.ClickException(
            f"{len(rejected.problems)} problem(s); nothing was imported"
        ) from None
    for warning in result.warnings:
        click.echo(f"{path}: warning: {warning}", err=True)
    click.echo(
        f"{path}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
        + (f", {len(result.warnings)} warning(s) to check." if result.warnings else ".")
    )


# `mysay import NAME FILE`, each with its help (which names the CSV's columns); the names are
# those of `bot.app.staff_admin.IMPORTERS`, which the workspace's import page offers too.
CSV_IMPORTS = {
    "children": "Import children: case_ref,birth_date,gender,ethnicity,legal_status,iro_username.",
    "reviews": "Import reviews: case_ref,kind,due_date,held_on,iro_username,participation,"
    "seen_before.",
    "care-episodes": "Import care episodes: case_ref,started_on,ended_on,legal_status.",
    "plans": "Import child protection plans: case_ref,started_on,ended_on,category.",
    "allocations": "Import IRO allocations: case_ref,iro_username,started_on,ended_on.",
    "challenges": "Import challenges: case_ref,iro_username,raised_on,category,stage,"
    "resolved_on,outcome.",
}


def _add_import_command(name: str, help_text: str) -> None:
    # The short help is the whole line (Click would cut it after the colon), its columns
    # spaced so that a narrow terminal wraps it between them.
    what = help_text.removeprefix("Import ").replace(",", ", ")
    short_help = what[0].upper() + what[1:]

    @import_.command(name, help=help_text, short_help=short_help)
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_csv(file: Path) -> None:
        from bot.app.staff_admin import IMPORTERS

        _import(file, *IMPORTERS[name])


for _name, _help in CSV_IMPORTS.items():
    _add_import_command(_name, _help)


@click.command()
@click.option("--case-ref", help="Invite someone for this child.")
@click.option("--role", type=click.Choice(["child", "parent", "carer"]))
@click.option("--staff", "staff_username", help="Invite this staff member instead.")
@click.option("--days", type=click.IntRange(1, 365), help="Days until it expires.")
@click.option(
    "--move",
    is_flag=True,
    help="With --staff: let the link move the staff member to a new Telegram account "
    "(the old account is told and loses access).",
)
def invite(
    case_ref: str | None,
    role: str | None,
    staff_username: str | None,
    days: int | None,
    move: bool,
) -> None:
    """Create a one-time invitation and print its links (a child's opens in a browser too)."""
    from bot.app import admin
    from bot.app.joining import telegram_link
    from bot.app.web_chat import WEB_ROLE, browser_link
    from bot.settings import load_settings
    from bot.telegram.deep_links import bot_username

    if (case_ref is None) == (staff_username is None):
        raise click.UsageError("give either --case-ref with --role, or --staff")
    if case_ref is not None and role is None:
        raise click.UsageError("--case-ref needs --role child|parent|carer")
    if move and staff_username is None:
        raise click.UsageError("only a staff member's link can move an account (--staff)")
    settings = load_settings()
    lasts = days or settings.invitation_days

    async def action(uow: UnitOfWork, services: Services) -> admin.IssuedInvitation:
        now = services.clock()
        if staff_username is not None:
            return await admin.invite_staff(uow, now, lasts, staff_username, move=move)
        assert case_ref is not None and role is not None  # checked above
        return await admin.invite_participant(uow, now, lasts, case_ref, role)

    issued = run_in_uow(action)
    click.echo(f"Code: {issued.code}")
    click.echo(f"Expires: {issued.expires_at:%Y-%m-%d %H:%M} UTC")
    username = asyncio.run(bot_username(settings))
    if username:
        click.echo(f"Link: {telegram_link(username, issued.code)}")
    else:
        click.echo(
            "No bot username known (set MYSAY_TELEGRAM_TOKEN or MYSAY_BOT_USERNAME); "
            f"the link is https://t.me/<bot username>?start={issued.code}"
        )
    if issued.role == WEB_ROLE:
        if settings.web_url:
            click.echo(f"Browser link: {browser_link(settings.web_url, issued.code)}")
        else:
            click.echo("No browser link: set MYSAY_WEB_URL to offer the web chat too.")


COMMANDS: list[click.Command] = [staff, child, review, import_, invite]
