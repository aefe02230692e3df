"""A durable spool for updates that could not be handled because the database was down.

When the database cannot be reached, an update is appended here (encrypted, since it holds
a child's words, and flushed to disk) and replayed once the database answers again, so a
message typed during an outage is handled late rather than lost. Updates are replayed in
the order they came; one already handled is recognised by its update id and skipped.

The file sits beside the SQLite database in the data folder: one Fernet token per line.
While a replay runs, its lines are moved aside to `<name>.replaying`, so updates that fail
again during the replay go to a fresh spool and a crash mid-replay loses nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from storage.crypto import TextCipher

SPOOL_FILE = "update-spool.log"


class UpdateSpool:
    """Append updates as JSON to an encrypted file; take them back in order to replay."""

    def __init__(self, folder: Path, cipher: TextCipher) -> None:
        self.path = folder / SPOOL_FILE
        self._replaying = self.path.with_name(self.path.name + ".replaying")
        self._cipher = cipher

    def add(self, update: dict[str, Any]) -> None:
        """Append one update and make sure it is on disk before returning."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        token = self._cipher.encrypt(json.dumps(update, separators=(",", ":")))
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, token + b"\n")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def waiting(self) -> bool:
        """Tell whether any update waits to be replayed."""
        return self._replaying.exists() or (self.path.exists() and self.path.stat().st_size > 0)

    def take(self) -> list[dict[str, Any]]:
        """The updates to replay, oldest first: an unfinished replay's, then the spool's."""
        if not self._replaying.exists():
            if not self.path.exists():
                return []
            self.path.replace(self._replaying)
        lines = self._replaying.read_bytes().splitlines()
        return [json.loads(self._cipher.decrypt(line)) for line in lines if line.strip()]

    def done(self) -> None:
        """Forget the updates last taken: they have been handled (or spooled again)."""
        self._replaying.unlink(missing_ok=True)
