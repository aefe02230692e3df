"""Labelled messages: the training corpus and the evaluation sets, read from TSV files.

A file has a header row. `level` and `text` are required; `categories` (comma-separated,
or `category`), `audience` (child, parent or carer; child when absent), `age` and `shape`
are optional, so the shared dev set (`level`, `text`) reads as well as the corpus.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from conversations.runs import age_band_for
from conversations.safeguarding.model import (
    AUTHORS,
    CATEGORIES,
    PARENT_CATEGORIES,
    Level,
    ScreeningContext,
)

KNOWN_CATEGORIES = CATEGORIES | PARENT_CATEGORIES
# A language as the bot's settings name one: "en", "cy", "uk".
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


class LabelledFileError(ValueError):
    """A labelled file is malformed; the message names the file and the line."""


@dataclass(frozen=True)
class LabelledMessage:
    """One message with the level and categories a person gave it."""

    level: Level
    categories: tuple[str, ...]
    text: str
    author: str = "child"
    age: int | None = None
    shape: str = ""
    # Who wrote it, as the file's name up to its first "_" (`part3_variants.tsv` is part3):
    # training chooses its thresholds on writers it did not learn from.
    writer: str = ""
    # The language it was written in (an optional `language` column): what the person's
    # run would have been in, so screening reads it as it would in the bot.
    language: str = "en"

    @property
    def context(self) -> ScreeningContext:
        """The screening context this message was written in."""
        band = age_band_for(self.age) if self.age is not None else None
        return ScreeningContext(author=self.author, age_band=band, language=self.language)


def read_labelled(path: Path) -> list[LabelledMessage]:
    """Read one labelled TSV file.

    Raises:
        LabelledFileError: A column is missing or a value is not allowed; the message
            names the file, the line and the column.
    """
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"level", "text"} - set(reader.fieldnames or ())
        if missing:
            raise LabelledFileError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
        return [_message(path.name, number, row) for number, row in enumerate(reader, start=2)]


def read_all(paths: Iterable[Path]) -> list[LabelledMessage]:
    """Read several labelled files in the order given."""
    return [message for path in paths for message in read_labelled(path)]


def _message(file_name: str, line: int, row: dict[str, str | None]) -> LabelledMessage:
    where = f"{file_name}: line {line}"
    try:
        level = Level((row.get("level") or "").strip())
    except ValueError:
        raise LabelledFileError(f"{where}, column level: {row.get('level')!r}") from None
    raw_categories = row.get("categories") or row.get("category") or ""
    categories = tuple(
        sorted({c.strip() for c in raw_categories.split(",") if c.strip() not in ("", "-")})
    )
    unknown = set(categories) - KNOWN_CATEGORIES
    if unknown:
        raise LabelledFileError(f"{where}, column categories: unknown {sorted(unknown)}")
    author = (row.get("audience") or "child").strip()
    if author not in AUTHORS:
        raise LabelledFileError(f"{where}, column audience: {author!r}")
    # "-" marks no age (a parent's or carer's message), as it marks no categories.
    age_text = (row.get("age") or "").strip()
    age_text = "" if age_text == "-" else age_text
    if age_text and not age_text.isdigit():
        raise LabelledFileError(f"{where}, column age: {age_text!r} is not a whole number")
    language = (row.get("language") or "en").strip().lower()
    if not LANGUAGE_CODE.fullmatch(language):
        raise LabelledFileError(f"{where}, column language: {language!r} is not a language code")
    text = row.get("text")
    if text is None:
        raise LabelledFileError(f"{where}: too few columns")
    return LabelledMessage(
        level=level,
        categories=categories,
        text=text,
        author=author,
        age=int(age_text) if age_text else None,
        shape=(row.get("shape") or "").strip(),
        writer=file_name.split("_", 1)[0].removesuffix(".tsv"),
        language=language,
    )
