"""Read the classifier's JSON file one feature row at a time.

The model stays plain JSON that a person can review (see `training.write_model`). Parsed
whole, its 30,000 rows would become 30,000 lists and 600,000 float objects at once, about
ten times the size of the arrays the classifier keeps, and the process would keep most of
that memory for good: Python seldom hands freed small objects back to the system. Here
each row is handed to the caller as soon as it is parsed and dropped before the next, so
the peak is one row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")

# Called with the object's fields read so far (the header, which comes first) and one row.
RowReader = Callable[[dict[str, Any], Any], None]


def read_object(text: str, rows_key: str, on_row: RowReader) -> dict[str, Any]:
    """Parse `text` as one JSON object, handing each item of its `rows_key` array to `on_row`.

    Returns the object's other fields; the rows are not kept.

    Raises:
        json.JSONDecodeError: `text` is not one JSON object.
    """
    fields: dict[str, Any] = {}

    def row(pos: int) -> int:
        item, pos = _value(text, pos)
        on_row(fields, item)
        return pos

    def member(pos: int) -> int:
        key, pos = _value(text, pos)
        if not isinstance(key, str):
            raise json.JSONDecodeError("Expecting property name", text, pos)
        pos = _expect(text, pos, ":")
        if key == rows_key and text.startswith("[", _skip(text, pos)):
            return _sequence(text, pos, ("[", "]"), row)
        fields[key], pos = _value(text, pos)
        return pos

    end = _skip(text, _sequence(text, 0, ("{", "}"), member))
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return fields


def _sequence(
    text: str, pos: int, brackets: tuple[str, str], read_item: Callable[[int], int]
) -> int:
    """Read `[item, item, ...]` (or braces) from `pos`; return the position after it."""
    opening, closing = brackets
    pos = _skip(text, _expect(text, pos, opening))
    if text.startswith(closing, pos):
        return pos + 1
    while True:
        pos = _skip(text, read_item(pos))
        if text.startswith(closing, pos):
            return pos + 1
        pos = _expect(text, pos, ",")


def _value(text: str, pos: int) -> tuple[Any, int]:
    value, end = _DECODER.raw_decode(text, _skip(text, pos))
    return value, end


def _expect(text: str, pos: int, char: str) -> int:
    pos = _skip(text, pos)
    if not text.startswith(char, pos):
        raise json.JSONDecodeError(f"Expecting {char!r}", text, pos)
    return pos + 1


def _skip(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    assert match is not None  # the pattern matches the empty string anywhere
    return match.end()
