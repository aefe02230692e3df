"""Files the `mysay` commands write: readable by their owner alone (they hold people's data)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO


def open_private(path: Path) -> TextIO:
    """Open `path` for writing text, created or truncated, with mode 0600 whatever it had."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode unless told
    return os.fdopen(descriptor, "w", encoding="utf-8", newline="")


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path`, readable by its owner alone."""
    with open_private(path) as file:
        file.write(text)
