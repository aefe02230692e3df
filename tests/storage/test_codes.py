"""Gender, ethnicity and legal status: DfE SSDA903 codes, read from the usual spellings."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import pytest

from bot.bootstrap import open_services
from bot.settings import Settings
from storage import codes
from storage.models import Child
from tests.reports.helpers import cli_env
from tests.support import FIXED_NOW, mysay

HEADER = "case_ref,birth_date,gender,ethnicity,legal_status,iro_username\n"


@pytest.mark.parametrize(
    ("read", "written", "code"),
    [
        (codes.gender, "Male", "1"),
        (codes.gender, " m ", "1"),
        (codes.gender, "BOY", "1"),
        (codes.gender, "1", "1"),
        (codes.gender, "female", "2"),
        (codes.gender, "F", "2"),
        (codes.ethnicity, "WBRI", "WBRI"),
        (codes.ethnicity, "wbri", "WBRI"),
        (codes.ethnicity, "White British", "WBRI"),
        (codes.ethnicity, "White - British", "WBRI"),
        (codes.ethnicity, "Black or Black British - African", "BAFR"),
        (codes.ethnicity, "Mixed: White and Asian", "MWAS"),
        (codes.ethnicity, "Asian or Asian British: Pakistani", "APKN"),
        (codes.ethnicity, "Gypsy/Roma", "WROM"),
        (codes.ethnicity, "Traveller of Irish heritage", "WIRT"),
        (codes.ethnicity, "any other ethnic group", "OOTH"),
        (codes.ethnicity, "Information not yet obtained", "NOBT"),
        (codes.legal_status, "c2", "C2"),
        (codes.legal_status, "Full care order", "C2"),
        (codes.legal_status, "Section 20", "V2"),
        (codes.legal_status, "s.20", "V2"),
        (codes.legal_status, "Placement order granted", "E1"),
        (codes.legal_status, "EPO", "L2"),
    ],
)
def test_the_usual_spellings_read_as_dfe_codes(read: object, written: str, code: str) -> None:
    assert callable(read)
    assert read(written) == code


@pytest.mark.parametrize(
    ("read", "written"),
    [
        (codes.gender, "X"),
        (codes.ethnicity, "Blue"),
        # The 2021 census puts Gypsies and Irish Travellers together; the DfE list does not.
        (codes.ethnicity, "White: Gypsy or Irish Traveller"),
        (codes.legal_status, "Z9"),
        (codes.legal_status, "short breaks"),
    ],
)
def test_anything_else_is_refused_with_what_would_do(read: object, written: str) -> None:
    assert callable(read)
    with pytest.raises(ValueError, match="one of"):
        read(written)


def test_the_lists_are_the_dfe_lists() -> None:
    assert list(codes.GENDER) == ["1", "2"]
    assert len(codes.ETHNICITY) == 20 and {"WBRI", "MWBC", "CHNE", "REFU", "NOBT"} <= set(
        codes.ETHNICITY
    )
    assert sorted(codes.LEGAL_STATUS) == [
        *("C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4")
    ]


@pytest.fixture
def env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    found = cli_env(settings, tmp_path)
    assert mysay("db", "upgrade", env=found).exit_code == 0
    return found


def _children(env: dict[str, str], tmp_path: Path, rows: str) -> str:
    path = tmp_path / "children.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return mysay("import", "children", str(path), env=env).output


def test_imports_store_codes_and_refuse_the_rest_by_line(
    env: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    refused = _children(
        env, tmp_path, "A1,,male,White British,c2,\nA2,,X,Blue,Z9,\nA3,,Female,,,\n"
    )
    assert "line 3, column gender: 'X' is not one of 1 (male), 2 (female)" in refused
    assert "line 3, column ethnicity: 'Blue' is not one of" in refused
    assert "line 3, column legal_status: 'Z9' is not one of" in refused
    assert "nothing was imported" in refused
    assert "3 created" in _children(
        env, tmp_path, "A1,,male,White British,c2,\nA2,,M,wbri,Section 20,\nA3,,Female,,,\n"
    )

    async def stored() -> list[tuple[str | None, ...]]:
        async with open_services(settings) as services, services.uow() as uow:
            found = await uow.children.by_case_refs(["A1", "A2", "A3"])
            return [
                (c.gender, c.ethnicity, c.legal_status)
                for c in sorted(found.values(), key=lambda c: c.case_ref)
            ]

    assert asyncio.run(stored()) == [
        ("1", "WBRI", "C2"),
        ("1", "WBRI", "V2"),
        ("2", None, None),
    ]
    assert "0 created, 0 updated, 3 unchanged" in _children(
        env, tmp_path, "A1,,Male,WBRI,C2,\nA2,,1,White - British,V2,\nA3,,f,,,\n"
    )


def test_the_report_counts_one_gender_however_it_was_written(
    env: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    async def seed() -> None:
        async with open_services(settings) as services, services.uow() as uow:
            # Children stored before imports were checked, as typed.
            for number, gender in enumerate(("male", "Male", "M", "female", None, "n/k")):
                child = uow.children.add(
                    Child(case_ref=f"L{number}", gender=gender, created_at=FIXED_NOW)
                )
                await uow.flush()
                from bot.app import admin

                day = date(2025, 5, 1)
                await admin.add_review(uow, child.case_ref, "cla_review", day, day, FIXED_NOW)
            await uow.commit()

    asyncio.run(seed())
    from click.testing import CliRunner

    from bot.cli.report import report

    args = ["participation", "--from", "2025-04-01", "--to", "2025-06-30", "--suppress-below", "1"]
    data = json.loads(CliRunner().invoke(report, args, env=env).output)
    groups = data["breakdowns"]["cla_review"]["gender"]
    assert {key: row["held"] for key, row in groups.items()} == {
        "1": 3,
        "2": 1,
        "unknown": 1,
        "unrecognised": 1,
    }
