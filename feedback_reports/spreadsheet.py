"""Cells that a spreadsheet will show as text, never run as a formula.

A parent's quote such as `=HYPERLINK(...)` would run when a manager opens the CSV export.
As OWASP advises, a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return gets a leading apostrophe, which spreadsheets hide and read as "this is text".
Numbers are left alone: they are written by us, not typed by anyone.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """`text` as a spreadsheet will show it, with any formula made inert."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
