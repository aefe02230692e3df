"""Render a subject access export (JSON-ready data about one child) as a printable HTML page.

The page shows every section of the export as a table, each run's answers beneath it, and
people's words as typed: cleaned of control characters and autoescaped by Jinja2.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from feedback_reports.templating import clean, environment

# Section titles, in the order the page shows them; keys not listed follow, titled as keys.
TITLES = {
    "reviews": "Meetings",
    "care_episodes": "Periods in care",
    "plans": "Child protection plans",
    "allocations": "IROs allocated",
    "challenges": "Issues the IRO raised about the plan",
    "participants": "Telegram accounts linked",
    "invitations": "Invitations",
    "runs": "Questionnaires and answers",
    "flags": "Safeguarding flags",
    "requests": "Asked for (to talk, an advocate)",
    "audit_events": "Who read or changed what (audit log)",
    "kept_for_figures": "Kept for the participation figures (no words, no account)",
}


@dataclass(frozen=True)
class Table:
    """Rows of cells under column names, with any nested tables per row."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    nested: list[list[Table]] = field(default_factory=list)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return clean(str(value))


def _table(title: str, items: list[dict[str, Any]]) -> Table:
    """A table of flat dicts; a list of dicts inside an item becomes a table beneath its row."""
    columns: list[str] = []
    for item in items:
        columns += [k for k, v in item.items() if not _is_rows(v) and k not in columns]
    nested = [
        [
            _table(f"{key.replace('_', ' ').capitalize()} of #{item.get('id', index + 1)}", value)
            for key, value in item.items()
            if _is_rows(value) and value
        ]
        for index, item in enumerate(items)
    ]
    rows = [[_cell(item.get(column)) for column in columns] for item in items]
    return Table(title, columns, rows, nested)


def _is_rows(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def tables(data: dict[str, Any]) -> list[Table]:
    """Turn the export into the tables the page shows, in reading order."""
    found = [_table("Child", [data["child"]])]
    for key in [*TITLES, *(k for k in data if k not in TITLES)]:
        value = data.get(key)
        if key in ("child", "case_ref", "generated_at") or value is None:
            continue
        if isinstance(value, dict):
            for inner, rows in value.items():
                found.append(_table(f"{TITLES.get(key, key)}: {inner}", rows))
        else:
            found.append(_table(TITLES.get(key, key), value))
    return found


def render_html(data: dict[str, Any]) -> str:
    """Render the page with inline CSS and no external resources."""
    template = environment().get_template("subject_access.html.j2")
    return template.render(
        case_ref=data["case_ref"], generated_at=data["generated_at"], tables=tables(data)
    )
