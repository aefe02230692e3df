"""Builders for report tests: participants, runs and answers written through the repositories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import numpy as np

from bot.settings import Settings
from feedback_reports.text_signals import find_themes
from storage.models import Participant, Review, Run
from storage.uow import UnitOfWork

VOID_TAGS = frozenset({"meta", "img", "br", "hr", "input", "link"})


def at(text: str) -> datetime:
    """A UTC moment from 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM'."""
    moment = datetime.fromisoformat(text if "T" in text else f"{text}T10:00")
    return moment.replace(tzinfo=UTC)


def cli_env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    """Environment for `mysay` sharing the test's database and data key."""
    return {
        "MYSAY_DATABASE_URL": settings.effective_database_url,
        "MYSAY_DATA_DIR": str(tmp_path / "data"),
        "MYSAY_DATA_KEY": settings.data_key,
        "MYSAY_TELEGRAM_TOKEN": "",
        "MYSAY_BOT_USERNAME": "",
    }


@dataclass(frozen=True)
class Given:
    """One answer to store: step id, kind, option id(s) or own words, and the flow's theme."""

    step_id: str
    kind: str
    choice: str | None = None
    text: str | None = None
    theme: str | None = None
    text_themes: str | None = None


async def participant(uow: UnitOfWork, telegram_id: int, role: str, child_id: int) -> Participant:
    added = uow.participants.add(
        Participant(
            telegram_id=telegram_id, role=role, child_id=child_id, created_at=at("2025-01-01")
        )
    )
    await uow.flush()
    return added


async def run(
    uow: UnitOfWork,
    who: Participant,
    review: Review | None,
    flow_id: str,
    *answers: Given,
    started: str,
    submitted: str | None = None,
    status: str = "submitted",
    share_with: str | None = None,
    flow_version: int = 1,
) -> Run:
    """Store a run and its answers as the bot would: words get their themes, a sent run counts."""
    added = uow.runs.add(
        Run(
            participant_id=who.id,
            review_id=review.id if review else None,
            flow_id=flow_id,
            flow_version=flow_version,
            status=status,
            share_with=share_with,
            started_at=at(started),
            updated_at=at(submitted or started),
            submitted_at=at(submitted) if submitted else None,
        )
    )
    uow.runs.write_state(added, {"flow": flow_id})
    await uow.flush()
    for given in answers:
        themes = ",".join(find_themes(given.text)) if given.text else None
        await uow.runs.put_answer(
            added.id,
            given.step_id,
            given.kind,
            choice=given.choice,
            text=given.text,
            theme=given.theme,
            now=at(submitted or started),
            text_themes=given.text_themes or themes or None,
        )
    await uow.flush()
    if status == "submitted":
        # As the bot does when a run is sent: the report's feedback counts take it in.
        await uow.report_counts.count_sent(added)
    return added


class StrictHTML(HTMLParser):
    """Fails on any end tag that does not close the innermost open tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()


def parse_strict(html: str) -> StrictHTML:
    """Parse a whole page, checking every tag closes in order and none is left open."""
    parser = StrictHTML()
    parser.feed(html)
    parser.close()
    assert parser.open == [], f"left open: {parser.open}"
    return parser


def exposed(cells: dict[str, object], sums: list[tuple[str, list[str]]]) -> set[str]:
    """Cells printed "[c]" that a reader could work out from the printed ones and the sums.

    `cells` maps a name to its printed count, "[c]", or None for a figure readers know exists
    but never see printed (held minus in timescale). A cell is worked out when removing its
    column from the system of unknowns lowers the rank (numpy, floating point): an oracle
    apart from the code under test, which reduces exact fractions.
    """
    unknown = sorted(name for name, value in cells.items() if not isinstance(value, int))
    column = {name: i for i, name in enumerate(unknown)}
    rows = []
    for total, parts in sums:
        row = np.zeros(len(unknown))
        for name, sign in [(total, 1.0), *((part, -1.0) for part in parts)]:
            if name in column:
                row[column[name]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    return {
        name
        for name, i in column.items()
        if cells[name] == "[c]" and np.linalg.matrix_rank(np.delete(matrix, i, axis=1)) < rank
    }
