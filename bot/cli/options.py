"""Option parsers shared by the `mysay` commands."""

from __future__ import annotations

from datetime import date

import click

from storage.import_rules import parse_date

# How a date may be typed: as the imports read them, ISO or day first as written in England.
DATE_FORMS = "YYYY-MM-DD or DD/MM/YYYY"


def written_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """Read a date written YYYY-MM-DD or DD/MM/YYYY, with an error that shows both forms."""
    if value is None:
        return None
    try:
        return parse_date(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use {DATE_FORMS}") from None
