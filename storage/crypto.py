"""Encryption of free text at rest (Fernet, with MultiFernet for key rotation)."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class DataKeyError(Exception):
    """The data key is missing, malformed, or does not open the stored text."""


KEY_FILE_NAME = "mysay.key"


def new_key() -> str:
    """Return a fresh Fernet key as text."""
    return Fernet.generate_key().decode("ascii")


class TextCipher:
    """Encrypts and decrypts free text; the first key encrypts, every key may decrypt."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise DataKeyError("no data key given")
        try:
            self._fernet = MultiFernet([Fernet(key.strip().encode("ascii")) for key in keys])
        except (ValueError, UnicodeEncodeError) as exc:
            raise DataKeyError(
                "MYSAY_DATA_KEY is not a valid key; make one with `mysay keygen`"
            ) from exc

    def encrypt(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken:
            raise DataKeyError(
                "stored text cannot be decrypted with the configured MYSAY_DATA_KEY; "
                "is this the key the data was written with?"
            ) from None

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt a token under the newest key."""
        return self._fernet.rotate(token)


def cipher_from_settings(data_key: str, data_dir: Path) -> TextCipher:
    """Use `MYSAY_DATA_KEY` if set; otherwise the key file in the data folder, made if absent."""
    if data_key.strip():
        return TextCipher([part for part in data_key.split(",") if part.strip()])
    return TextCipher([_embedded_key(data_dir / KEY_FILE_NAME)])


def _embedded_key(path: Path) -> str:
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = new_key()
    # O_EXCL so two processes starting together cannot each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key
