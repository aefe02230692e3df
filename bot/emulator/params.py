"""Parameters of one Bot API call, read the same way from query, form, JSON and multipart."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.emulator.models import bad_request as _bad


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str | None


class Params:
    """A method's parameters, whether they came form-encoded, as JSON or as multipart."""

    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload]) -> None:
        self.values = dict(values)
        self.uploads = dict(uploads)

    def raw(self, name: str) -> Any:
        """Give the value as received."""
        return self.values.get(name)

    def text(self, name: str) -> str | None:
        """Give the value as a string, or None when absent."""
        value = self.values.get(name)
        return None if value is None else str(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        """Give the value as an int (form values arrive as strings)."""
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise _bad(f"invalid {name} specified") from None

    def required_int(self, name: str) -> int:
        """Give an int that must be present, failing as Telegram does ("x is empty")."""
        value = self.integer(name)
        if value is None:
            raise _bad(f"{name} is empty")
        return value

    def number(self, name: str, default: float) -> float:
        """Give the value as a float."""
        value = self.values.get(name)
        try:
            return default if value in (None, "") else float(value)
        except (TypeError, ValueError):
            raise _bad(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        """Give the value as a bool (JSON true or the form string "true")."""
        value = self.values.get(name)
        return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))

    def obj(self, name: str) -> Any:
        """Give a nested value; form and multipart bodies carry them as JSON strings."""
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise _bad(f"can't parse {name} JSON object") from None
        return value

    def upload(self, name: str) -> Upload | str | None:
        """Give an uploaded file (by part name or attach:// URI) or a file_id/URL string."""
        if name in self.uploads:
            return self.uploads[name]
        value = self.text(name)
        if value and value.startswith("attach://"):
            return self.uploads.get(value.removeprefix("attach://"))
        return value
