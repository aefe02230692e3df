"""Option parsers shared by the `mysay` commands."""

from __future__ import annotations

from datetime import date

import click


def iso_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """Read YYYY-MM-DD, with an error that shows the expected form."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None
