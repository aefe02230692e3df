"""The audit export covers exactly its period, page by page, with formulas made inert."""

from __future__ import annotations

import asyncio
import csv
import io
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app import audit_export
from bot.bootstrap import open_services
from bot.cli.lifecycle import audit
from bot.settings import Settings
from tests.lifecycle.helpers import add_child, add_event
from tests.reports.helpers import cli_env
from tests.support import FIXED_NOW

MOMENTS = [
    "2026-01-31T23:59:59",  # before
    "2026-02-01T00:00",  # first moment of the first day
    "2026-02-15",
    "2026-02-28T23:59:59",  # last moment of the last day
    "2026-03-01T00:00",  # after
]


async def _seed(settings: Settings) -> None:
    clock = lambda: FIXED_NOW  # noqa: E731
    async with open_services(settings, clock=clock) as services, services.uow() as uow:
        child = await add_child(uow, "AUD-1", "2025-01-01")
        for n, moment in enumerate(MOMENTS):
            add_event(uow, moment, f"event_{n}", child.child_id if n == 2 else None)
        add_event(uow, "2026-02-10", "flag_closed", actor='=HYPERLINK("x","go")')
        await uow.commit()


def _export(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(
        audit, ["export", "--from", "2026-02-01", "--to", "2026-02-28", *args], env=env
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_an_export_covers_the_period_both_days_included(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_export, "PAGE", 2)  # several pages from a few events
    asyncio.run(_seed(settings))
    env = cli_env(settings, tmp_path)

    rows = list(csv.DictReader(io.StringIO(_export(env))))

    assert [row["action"] for row in rows] == ["event_1", "flag_closed", "event_2", "event_3"]
    assert [row["at"] for row in rows] == [
        "2026-02-01T00:00:00+00:00",
        "2026-02-10T10:00:00+00:00",
        "2026-02-15T10:00:00+00:00",
        "2026-02-28T23:59:59+00:00",
    ]
    assert rows[2]["case_ref"] == "AUD-1" and rows[0]["case_ref"] == ""
    assert rows[1]["actor"] == '\'=HYPERLINK("x","go")'
    assert rows[0]["detail"] == '{"note": "seeded"}'


def test_an_export_to_a_file_is_private_and_is_itself_audited(
    settings: Settings, tmp_path: Path
) -> None:
    asyncio.run(_seed(settings))
    env = cli_env(settings, tmp_path)
    out = tmp_path / "audit.csv"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)

    assert _export(env, "--out", str(out)) == ""

    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8").startswith("id,at,actor,action,case_ref,detail\n")
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5

    async def exports() -> list[dict[str, object]]:
        async with open_services(settings) as services, services.uow() as uow:
            return [dict(e.detail) for e in await uow.audit.list("audit_exported")]

    assert asyncio.run(exports()) == [{"start": "2026-02-01", "end": "2026-02-28", "rows": 4}]
    backwards = CliRunner().invoke(
        audit, ["export", "--from", "2026-03-01", "--to", "2026-02-01"], env=env
    )
    assert backwards.exit_code == 2 and "--to is before --from" in backwards.output
