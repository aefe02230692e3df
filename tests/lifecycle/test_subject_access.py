"""A subject access export holds everything about one child, and nothing about another."""

from __future__ import annotations

import asyncio
import json
import stat
from datetime import date
from pathlib import Path
from typing import Any

from bot.app.retention import enforce_retention
from bot.bootstrap import open_services
from bot.settings import Settings
from storage.models import CareEpisode, Challenge
from storage.repositories.child_records import participant_actor
from tests.lifecycle.helpers import add_child, add_event, add_flag, add_request, add_run, link
from tests.reports.helpers import cli_env, parse_strict
from tests.support import FIXED_NOW, mysay

MINE = [
    "I want to <b>see my sister</b>",
    "my flag words",
    "mum's quote",
    "note to Ada",
    "I will ring Ada on Friday",
]
THEIRS = [
    "their secret words",
    "their flag words",
    "their parent's words",
    "note to Bea",
    "I will ring Bea on Monday",
]


async def _seed(settings: Settings) -> dict[str, Any]:
    clock = lambda: FIXED_NOW  # noqa: E731
    async with open_services(settings, clock=clock) as services, services.uow() as uow:
        ids: dict[str, Any] = {}
        people = (("mine", "Sar-001", MINE, 700), ("theirs", "SAR-002", THEIRS, 800))
        for key, ref, words, telegram_id in people:
            child = await add_child(
                uow, ref, "2024-01-01", [("2025-10-01", "2025-10-01")], words[3]
            )
            me = await link(uow, child, telegram_id, "child")
            parent = await link(uow, child, telegram_id + 1, "parent")
            run = await add_run(uow, child, me, "2025-09-20", words=words[0], choice="2")
            await add_run(
                uow, child, parent, "2025-09-21", words=words[2], flow_id="parent_feedback"
            )
            await add_flag(uow, child, words[1], "2025-09-20", participant_id=me, run_id=run)
            await add_request(uow, child, me, run, words[4])
            add_event(uow, "2025-09-25", "views_read", child.child_id, actor="staff:1")
            add_event(uow, "2025-09-26", "language_set", None, actor=participant_actor(me))
            started = date(2024, 3, 1) if key == "mine" else date(2024, 5, 9)
            uow.session.add_all(
                [
                    CareEpisode(
                        child_id=child.child_id,
                        started_on=started,
                        legal_status="C2",
                        created_at=FIXED_NOW,
                    ),
                    Challenge(
                        child_id=child.child_id,
                        raised_on=started,
                        category="contact",
                        stage="formal1",
                        created_at=FIXED_NOW,
                    ),
                ]
            )
            ids[key] = child
        await uow.commit()
    return ids


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_export_holds_one_childs_data_decrypted_in_private_files(
    settings: Settings, tmp_path: Path
) -> None:
    env = cli_env(settings, tmp_path)
    seeded = asyncio.run(_seed(settings))
    out = tmp_path / "sar"

    result = mysay("subject-access", "--case-ref", "sar-001", "--out", str(out), env=env)

    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    assert [f.suffix for f in files] == [".html", ".json"]
    assert all(_mode(f) == 0o600 for f in files) and _mode(out) == 0o700
    text = files[1].read_text(encoding="utf-8")
    data = json.loads(text)
    mine, theirs = seeded["mine"], seeded["theirs"]
    assert data["case_ref"] == "Sar-001" and data["child"]["case_ref"] == "Sar-001"
    assert all(words in text for words in MINE)
    assert not any(words in text for words in THEIRS) and "SAR-002" not in text
    assert {p["telegram_id"] for p in data["participants"]} == {700, 701}
    assert {r["id"] for r in data["runs"]} == set(mine.run_ids)
    assert {r["id"] for r in data["reviews"]} == set(mine.review_ids)
    assert {f["id"] for f in data["flags"]} == set(mine.flag_ids)
    assert [(r["id"], r["note"]) for r in data["requests"]] == [(mine.request_ids[0], MINE[4])]
    assert [r["answers"][0]["text"] for r in data["runs"]] == [MINE[0], MINE[2]]
    assert [(e["action"], e["actor"]) for e in data["audit_events"]] == [
        ("views_read", "staff:1"),
        ("language_set", participant_actor(mine.participant_ids[0])),
    ]
    assert set(theirs.run_ids).isdisjoint(r["id"] for r in data["runs"])
    assert data["care_episodes"] == [
        {"started_on": "2024-03-01", "ended_on": None, "legal_status": "C2"}
    ]
    assert [(c["raised_on"], c["category"], c["stage"]) for c in data["challenges"]] == [
        ("2024-03-01", "contact", "formal1")
    ]
    assert data["plans"] == data["allocations"] == []
    html = files[0].read_text(encoding="utf-8")
    parsed = parse_strict(html)
    assert "b" not in parsed.tags  # the child's words are shown, not run as markup
    assert "I want to &lt;b&gt;see my sister&lt;/b&gt;" in html
    assert "SAR-002" not in html and "their secret words" not in html
    assert "see my sister" not in result.output


def test_an_export_is_audited_and_shows_what_is_kept_for_the_figures(
    settings: Settings, tmp_path: Path
) -> None:
    env = cli_env(settings, tmp_path)
    seeded = asyncio.run(_seed(settings))

    async def forget_and_read_audit() -> list[tuple[str, int | None]]:
        later = FIXED_NOW.replace(year=2030)
        async with open_services(settings, clock=lambda: later) as services:
            await enforce_retention(services)
            async with services.uow() as uow:
                events = await uow.audit.list("subject_access_exported")
                return [(e.actor, e.child_id) for e in events]

    assert asyncio.run(forget_and_read_audit()) == []
    result = mysay("subject-access", "--case-ref", "SAR-001", "--out", str(tmp_path), env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(next(tmp_path.glob("subject-access-Sar-001-*.json")).read_text("utf-8"))
    held = json.dumps(data, ensure_ascii=False)
    assert data["runs"] == [] and not any(held.count(MINE[n]) for n in (0, 2, 3))
    assert MINE[1] in held  # the open flag is kept longer
    kept = data["kept_for_figures"]["runs"]
    assert [(r["role"], r["flow_id"]) for r in kept] == [
        ("child", "child_before_review"),
        ("parent", "parent_feedback"),
    ]
    assert asyncio.run(forget_and_read_audit()) == [("cli", seeded["mine"].child_id)]
