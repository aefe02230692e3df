"""Shared helpers for renderers: the Jinja2 environment and escaping of people's words."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).parent / "templates"

# Control characters (bar newline and tab) could move a terminal's cursor or hide text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Everything Markdown (CommonMark and the common extensions) gives a meaning to.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Return the Jinja2 environment; autoescape is always on, whatever the file name."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def clean(text: str) -> str:
    """Drop control characters and Windows line endings from someone's words."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def escape_markdown(text: str) -> str:
    """Escape someone's words so Markdown shows them as typed and runs no HTML."""
    escaped = clean(text).replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)
