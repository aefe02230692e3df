"""Files the `mysay` commands write: readable by their owner alone (they hold people's data)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO


def _private_descriptor(path: Path) -> int:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode unless told
    return descriptor


def open_private(path: Path) -> TextIO:
    """Open `path` for writing text, created or truncated, with mode 0600 whatever it had."""
    return os.fdopen(_private_descriptor(path), "w", encoding="utf-8", newline="")


def write_private(path: Path, content: str | bytes) -> None:
    """Write text or bytes (a workbook) to `path`, readable by its owner alone."""
    if isinstance(content, bytes):
        with os.fdopen(_private_descriptor(path), "wb") as file:
            file.write(content)
        return
    with open_private(path) as file:
        file.write(content)
