"""Participation metrics: every figure of a known year, computed in SQL on both databases."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.app import admin
from bot.bootstrap import Services, open_services
from bot.cli.report import report
from bot.settings import Settings
from feedback_reports.participation import build_participation_report
from feedback_reports.participation_model import ReportOptions, pct
from storage.models import Review
from tests.reports.helpers import (
    Given,
    at,
    cli_env,
    exposed,
    parse_strict,
    participant,
    run,
)
from tests.support import FIXED_NOW, mysay

# A parent's quote that is also a spreadsheet formula, and HTML.
QUOTE = '=HYPERLINK("x.example","go") The meeting was too short <script>alert(1)</script>'

CHILDREN = """case_ref,birth_date,gender,ethnicity,legal_status,iro_username
T1,2010-01-15,female,,,iro1
T2,2010-01-15,female,,,iro1
T3,2010-01-15,female,,,iro1
T4,2010-01-15,female,,,iro1
T5,2010-01-15,female,,,iro1
T6,2010-01-15,male,,,iro1
M1,2015-01-15,male,,,iro1
M2,2015-01-15,male,,,iro1
M3,2015-01-15,male,,,iro1
M4,2015-01-15,male,,,iro1
M5,2015-01-15,male,,,iro1
Y1,2020-01-15,female,,,iro1
B1,2017-06-15,male,,,iro1
Z1,2022-03-01,female,,,iro1
U1,,,,,iro1
"""
# Numbered as in the comments of the expectations below.
REVIEWS = """case_ref,kind,due_date,held_on,iro_username,participation,seen_before
T1,cla_review,2025-01-10,2025-01-10,,PN1,yes
T2,cla_review,2025-02-10,2025-02-12,,PN1,yes
T3,cla_review,2025-04-10,2025-04-09,,PN2,no
T4,cla_review,2025-05-10,2025-05-10,,PN6,yes
T5,cla_review,2025-07-10,2025-07-10,,PN5,yes
T6,cla_review,2025-08-10,2025-08-10,,PN7,no
M1,cla_review,2025-10-10,2025-10-10,,PN3,yes
M2,cla_review,2025-10-20,2025-10-21,,PN4,
Y1,cla_review,2025-03-01,2025-03-01,,PN6,yes
B1,cla_review,2025-06-14,2025-06-14,,PN1,yes
Z1,cla_review,2025-09-01,2025-09-01,,PN0,no
U1,cla_review,2025-11-01,2025-11-01,,,
T1,cla_review,2024-12-20,2024-12-20,,PN1,yes
T1,cla_review,2026-01-05,,,,
T2,cla_review,2026-01-01,2026-01-02,,PN1,yes
M3,icpc,2025-02-01,2025-02-01,,PN1,no
M4,icpc,2025-05-01,2025-04-30,,PN7,no
M3,rcpc,2025-05-01,2025-05-01,,PN5,yes
B1,rcpc,2025-06-15,2025-06-15,,PN2,yes
M5,rcpc,2025-12-31,2025-12-31,,PN1,yes
T3,cla_review,2025-11-15,,,,
T4,cla_review,2025-12-20,2026-01-03,,PN1,yes
T5,cla_review,2025-01-05,2024-12-30,,PN1,yes
M1,icpc,2025-03-01,,,,
"""


async def _review(uow: object, case_ref: str, kind: str, due: str) -> Review:
    from storage.uow import UnitOfWork

    assert isinstance(uow, UnitOfWork)
    child = await uow.children.by_case_ref(case_ref)
    assert child is not None
    found = await uow.reviews.find(child.id, kind, date.fromisoformat(due))
    assert found is not None
    return found


async def _seed_runs_and_invitations(settings: Settings) -> None:
    async with open_services(settings, clock=lambda: FIXED_NOW) as services, services.uow() as uow:
        # Recorded by the IRO: late but agreed in timescale; on the day but recorded as not.
        (await _review(uow, "M2", "cla_review", "2025-10-20")).in_timescale = True
        (await _review(uow, "Y1", "cla_review", "2025-03-01")).in_timescale = False
        for case_ref, role, created, used in [
            ("T1", "child", "2025-01-02", "2025-01-03"),
            ("T4", "child", "2025-04-01", "2025-04-02"),
            ("T5", "child", "2025-06-01", "2025-06-02"),
            ("Y1", "child", "2025-02-01", "2025-02-02"),
            ("M3", "child", "2025-03-01", "2025-03-02"),
            ("M1", "child", "2025-09-01", None),
            ("T1", "child", "2024-12-01", "2024-12-02"),
            ("T6", "child", "2024-12-30", "2025-01-05"),
            ("T1", "parent", "2025-01-04", "2025-01-05"),
            ("T2", "parent", "2025-01-04", None),
            ("M3", "carer", "2025-03-01", "2025-03-03"),
        ]:
            issued = await admin.invite_participant(uow, at(created), 14, case_ref, role)
            await uow.flush()
            if used:
                invitation = await uow.invitations.by_code(issued.code)
                assert invitation is not None
                await uow.invitations.claim(invitation, at(used))
        ids = {}
        for case_ref in ("T1", "T4", "T5", "T6", "Y1", "M3"):
            child = await uow.children.by_case_ref(case_ref)
            assert child is not None
            ids[case_ref] = child.id
        p_t1, p_t4, p_t5, _p_t6, p_y1, p_m3 = [
            await participant(uow, 100 + i, "child", child_id)
            for i, child_id in enumerate(ids.values())
        ]
        parent = await participant(uow, 200, "parent", ids["T1"])
        carer = await participant(uow, 201, "carer", ids["M3"])
        r1 = await _review(uow, "T1", "cla_review", "2025-01-10")
        share = Given("share_with", "choice", "iro", theme="meeting")
        await run(
            uow,
            p_t1,
            r1,
            "child_before_review",
            share,
            started="2025-01-05",
            submitted="2025-01-08",
            share_with="iro",
        )
        await run(
            uow,
            p_t1,
            r1,
            "checkin",
            Given("mood", "scale", "happy", theme="feelings"),
            started="2025-01-09",
            submitted="2025-01-09",
        )
        await run(
            uow,
            p_t4,
            await _review(uow, "T4", "cla_review", "2025-05-10"),
            "child_before_review",
            started="2025-05-01",
            submitted="2025-05-10T12:00",
        )
        await run(
            uow,
            p_t5,
            await _review(uow, "T5", "cla_review", "2025-07-10"),
            "child_before_review",
            started="2025-07-01",
            submitted="2025-07-11",
        )
        await run(
            uow,
            p_y1,
            await _review(uow, "Y1", "cla_review", "2025-03-01"),
            "child_before_review",
            started="2025-02-20",
            status="reviewing",
        )
        m3_rcpc = await _review(uow, "M3", "rcpc", "2025-05-01")
        await run(
            uow,
            p_m3,
            m3_rcpc,
            "child_before_conference",
            started="2025-04-20",
            submitted="2025-04-28",
        )
        await run(
            uow,
            p_t1,
            await _review(uow, "T1", "cla_review", "2024-12-20"),
            "child_before_review",
            started="2024-12-10",
            submitted="2024-12-15",
        )
        await run(
            uow,
            parent,
            r1,
            "parent_feedback",
            Given("reports_shared", "choice", "yes", theme="meeting"),
            Given("listened_to", "choice", "yes", theme="iro"),
            Given("rating", "scale", "4", theme="iro"),
            Given(
                "better",
                "text",
                text=QUOTE,
                theme="iro",
                text_themes="meeting",
            ),
            Given("may_quote", "yesno", "yes", theme="iro"),
            started="2025-01-11",
            submitted="2025-01-12",
        )
        await run(uow, parent, r1, "parent_feedback", started="2025-02-01", status="cancelled")
        await run(
            uow,
            carer,
            m3_rcpc,
            "parent_feedback",
            Given("reports_shared", "choice", "late", theme="meeting"),
            Given("listened_to", "choice", "partly", theme="iro"),
            Given("rating", "scale", "5", theme="iro"),
            Given(
                "better",
                "text",
                text="Please do not quote this carer",
                theme="iro",
                text_themes="meeting,plan",
            ),
            Given("may_quote", "yesno", "no", theme="iro"),
            started="2025-05-02",
            submitted="2025-05-03",
        )
        await uow.commit()


Rate = tuple[int | None, int | None, float | None]
Cells = dict[str, object]
Sums = list[tuple[str, list[str]]]


def _rate(rate: Rate) -> dict[str, object]:
    count, of, percentage = rate
    return {"count": count, "of": of, "pct": percentage}


def _kind(
    held: int,
    in_ts: Rate,
    attended: Rate,
    conveyed: Rate,
    advocate: Rate,
    not_conveyed: Rate,
    seen: Rate,
    seen_not_recorded: int,
    views: Rate,
    pn: dict[str, int],
    due_not_held: int,
    in_ts_with_due: Rate,
) -> dict[str, object]:
    """One kind's main table: each rate as (count, denominator, percentage)."""
    return {
        "held": held,
        "due_not_held": due_not_held,
        "in_timescale": _rate(in_ts),
        "in_timescale_with_due_not_held": _rate(in_ts_with_due),
        "attended": _rate(attended),
        "conveyed_without_attending": _rate(conveyed),
        "advocate": _rate(advocate),
        "not_conveyed": _rate(not_conveyed),
        "seen_before": _rate(seen),
        "seen_before_not_recorded": seen_not_recorded,
        "views_via_bot": _rate(views),
        "pn": {code: pn.get(code, 0) for code in [*(f"PN{n}" for n in range(8)), "not_recorded"]},
    }


def _group(
    held: int | None,
    not_recorded: int | None,
    attended: Rate,
    conveyed: Rate,
    not_conveyed: Rate,
    views: Rate,
) -> dict[str, object]:
    return {
        "held": held,
        "participation_not_recorded": not_recorded,
        "attended": _rate(attended),
        "conveyed_without_attending": _rate(conveyed),
        "not_conveyed": _rate(not_conveyed),
        "views_via_bot": _rate(views),
    }


def _quarter(label: str, *figures: object) -> dict[str, object]:
    return {"quarter": label, **_group(*figures)}  # type: ignore[arg-type]


NONE_HELD = (0, 0, (0, 0, None), (0, 0, None), (0, 0, None), (0, 0, None))


def _funnel(invited: object, joined: object, started: object, sent: object) -> dict[str, object]:
    return {"invited": invited, "joined": joined, "started": started, "sent": sent}


@pytest.fixture
def year(settings: Settings, tmp_path: Path) -> dict[str, str]:
    """A year of meetings imported through the CLI, plus runs and invitations."""
    env = cli_env(settings, tmp_path)
    assert mysay("db", "upgrade", env=env).exit_code == 0
    added = mysay("staff", "add", "--username", "iro1", "--name", "IRO", "--role", "iro", env=env)
    assert added.exit_code == 0, added.output
    for name, text in (("children", CHILDREN), ("reviews", REVIEWS)):
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        result = mysay("import", name, str(path), env=env)
        assert result.exit_code == 0, result.output
    asyncio.run(_seed_runs_and_invitations(settings))
    return env


def _participation(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(report, ["participation", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_every_figure_of_a_known_year_matches_hand_counts(year: dict[str, str]) -> None:
    # Nothing withheld, so every count can be checked (suppression is tested below).
    args = ("--from", "2025-01-01", "--to", "2025-12-31", "--suppress-below", "1")
    data = json.loads(_participation(year, *args))
    assert data["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    # Percentages of participation are of the meetings with a code recorded (U1 has none);
    # "seen before" is of the meetings where it was recorded (M2 and U1: not recorded).
    assert data["cla_review"] == _kind(
        12,
        (10, 12, 83.3),
        (6, 11, 54.5),
        (3, 11, 27.3),
        (2, 11, 18.2),
        (1, 11, 9.1),
        (7, 10, 70.0),
        2,
        (2, 12, 16.7),
        {"PN0": 1, "PN1": 3, "PN2": 1, "PN3": 1, "PN4": 1, "PN5": 1, "PN6": 2, "PN7": 1}
        | {"not_recorded": 1},
        # T3's review was never held, T4's only after the period: due, not held.
        2,
        (10, 14, 71.4),
    )
    assert data["icpc"] == _kind(
        2,
        (2, 2, 100.0),
        (1, 2, 50.0),
        (0, 2, 0.0),
        (0, 2, 0.0),
        (1, 2, 50.0),
        (0, 2, 0.0),
        0,
        (0, 2, 0.0),
        {"PN1": 1, "PN7": 1},
        1,
        (2, 3, 66.7),
    )
    assert data["rcpc"] == _kind(
        3,
        (3, 3, 100.0),
        (2, 3, 66.7),
        (1, 3, 33.3),
        (2, 3, 66.7),
        (0, 3, 0.0),
        (3, 3, 100.0),
        0,
        (1, 3, 33.3),
        {"PN1": 1, "PN2": 1, "PN5": 1},
        0,
        (3, 3, 100.0),
    )
    # Trends and breakdowns are per kind of meeting: looked-after reviews apart from conferences.
    assert data["trend"]["cla_review"] == [
        _quarter("2024-25 Q4", 3, 0, (2, 3, 66.7), (1, 3, 33.3), (0, 3, 0.0), (1, 3, 33.3)),
        _quarter("2025-26 Q1", 3, 0, (2, 3, 66.7), (1, 3, 33.3), (0, 3, 0.0), (1, 3, 33.3)),
        _quarter("2025-26 Q2", 3, 0, (0, 3, 0.0), (1, 3, 33.3), (1, 3, 33.3), (0, 3, 0.0)),
        # U1's meeting has no code: 2 of the 2 coded meetings were attended, not 2 of 3.
        _quarter("2025-26 Q3", 3, 1, (2, 2, 100.0), (0, 2, 0.0), (0, 2, 0.0), (0, 3, 0.0)),
    ]
    assert data["trend"]["icpc"] == [
        _quarter("2024-25 Q4", 1, 0, (1, 1, 100.0), (0, 1, 0.0), (0, 1, 0.0), (0, 1, 0.0)),
        _quarter("2025-26 Q1", 1, 0, (0, 1, 0.0), (0, 1, 0.0), (1, 1, 100.0), (0, 1, 0.0)),
        _quarter("2025-26 Q2", *NONE_HELD),
        _quarter("2025-26 Q3", *NONE_HELD),
    ]
    assert data["trend"]["rcpc"] == [
        _quarter("2024-25 Q4", *NONE_HELD),
        _quarter("2025-26 Q1", 2, 0, (1, 2, 50.0), (1, 2, 50.0), (0, 2, 0.0), (1, 2, 50.0)),
        _quarter("2025-26 Q2", *NONE_HELD),
        _quarter("2025-26 Q3", 1, 0, (1, 1, 100.0), (0, 1, 0.0), (0, 1, 0.0), (0, 1, 0.0)),
    ]
    # B1 is 7 at their looked-after review, 8 at their conference; M children are 10; Ts 15.
    assert data["breakdowns"]["cla_review"] == {
        "age_band": {
            "under_8": _group(3, 0, (1, 3, 33.3), (1, 3, 33.3), (0, 3, 0.0), (0, 3, 0.0)),
            "8_12": _group(2, 0, (2, 2, 100.0), (0, 2, 0.0), (0, 2, 0.0), (0, 2, 0.0)),
            "13_plus": _group(6, 0, (3, 6, 50.0), (2, 6, 33.3), (1, 6, 16.7), (2, 6, 33.3)),
            "unknown": _group(1, 1, (0, 0, None), (0, 0, None), (0, 0, None), (0, 1, 0.0)),
        },
        # Imported as female and male, stored as the DfE codes 2 and 1.
        "gender": {
            "2": _group(7, 0, (3, 7, 42.9), (3, 7, 42.9), (0, 7, 0.0), (2, 7, 28.6)),
            "1": _group(4, 0, (3, 4, 75.0), (0, 4, 0.0), (1, 4, 25.0), (0, 4, 0.0)),
            "unknown": _group(1, 1, (0, 0, None), (0, 0, None), (0, 0, None), (0, 1, 0.0)),
        },
    }
    icpc = _group(2, 0, (1, 2, 50.0), (0, 2, 0.0), (1, 2, 50.0), (0, 2, 0.0))
    assert data["breakdowns"]["icpc"] == {
        "age_band": {
            "under_8": _group(*NONE_HELD),
            "8_12": icpc,
            "13_plus": _group(*NONE_HELD),
            "unknown": _group(*NONE_HELD),
        },
        "gender": {"1": icpc, "2": _group(*NONE_HELD), "unknown": _group(*NONE_HELD)},
    }
    rcpc = _group(3, 0, (2, 3, 66.7), (1, 3, 33.3), (0, 3, 0.0), (1, 3, 33.3))
    assert data["breakdowns"]["rcpc"]["age_band"]["8_12"] == rcpc
    assert data["breakdowns"]["rcpc"]["gender"]["1"] == rcpc
    assert data["funnel"] == {
        "by_audience": {
            "child": _funnel(6, 6, 5, 4),
            "parent": _funnel(2, 1, 1, 1),
            "carer": _funnel(1, 1, 1, 1),
        },
        # Ages at the end of the period: Y1 is 5, M1 and M3 are 10, the Ts 15.
        "by_age_band": {
            "under_8": _funnel(1, 1, 1, 0),
            "8_12": _funnel(2, 1, 1, 1),
            "13_plus": _funnel(3, 4, 3, 3),
            "unknown": _funnel(0, 0, 0, 0),
        },
        "sent_before_meeting": 4,
        "median_days_sent_before_meeting": 1.5,
    }
    feedback = data["feedback"]
    assert feedback["respondents"] == {"parent": 1, "carer": 1}
    assert feedback["rating"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}
    assert feedback["themes"] == {"meeting": 2, "plan": 1}
    assert feedback["quotes"] == [QUOTE]  # JSON is data: the words as written
    questions = feedback["questions"]
    assert set(questions) == {"reports_shared", "listened_to", "rating", "may_quote"}
    assert questions["reports_shared"] == {
        "question": "Were the reports shared with you before the meeting?",
        "answered": 2,
        "options": {
            "late": {"label": "Yes, but too late to read them properly", "count": 1, "pct": 50.0},
            "yes": {"label": "Yes, in good time", "count": 1, "pct": 50.0},
        },
    }
    assert questions["listened_to"]["options"]["partly"] == {
        "label": "Partly",
        "count": 1,
        "pct": 50.0,
    }
    assert questions["rating"]["options"]["5"] == {
        "label": "5 - Excellent",
        "count": 1,
        "pct": 50.0,
    }
    assert questions["may_quote"]["answered"] == 2


def test_a_period_with_no_meetings_gives_null_percentages_not_zero(year: dict[str, str]) -> None:
    data = json.loads(_participation(year, "--from", "2029-01-01", "--to", "2029-03-31"))
    nothing: Rate = (0, 0, None)
    assert data["cla_review"] == _kind(0, *[nothing] * 6, 0, nothing, {}, 0, nothing)
    for kind in ("cla_review", "icpc", "rcpc"):
        assert data["trend"][kind] == [_quarter("2028-29 Q4", *NONE_HELD)]
    assert data["funnel"]["median_days_sent_before_meeting"] is None


def _reader_view(data: dict[str, Any], kind: str) -> tuple[Cells, Sums]:
    """Every count of one kind's tables and the sums a reader knows tie them.

    Figures never printed (late meetings, meetings without views, PN0 in a breakdown) are
    None: readers know they exist, so they are unknowns of the sums.
    """
    main = data[kind]
    cells: Cells = {f"pn.{code}": count for code, count in main["pn"].items()}
    cells |= {
        "held": main["held"],
        "due": main["due_not_held"],
        "held_or_due": main["in_timescale_with_due_not_held"]["of"],
        "in_ts": main["in_timescale"]["count"],
        "late": None,
        "rated": main["attended"]["of"],
        "seen_yes": main["seen_before"]["count"],
        "seen_known": main["seen_before"]["of"],
        "seen_no": None,
        "seen_none": main["seen_before_not_recorded"],
        "views": main["views_via_bot"]["count"],
        "no_views": None,
    }
    cells |= {name: main[name]["count"] for name in ("attended", "advocate")}
    cells["conveyed"] = main["conveyed_without_attending"]["count"]
    codes = [f"pn.PN{n}" for n in range(8)]
    rated = codes[1:] if data["options"]["exclude_pn0"] else codes
    sums: Sums = [
        ("held", [*codes, "pn.not_recorded"]),
        ("rated", rated),
        ("attended", codes[1:5]),
        ("conveyed", codes[5:7]),
        ("advocate", ["pn.PN2", "pn.PN5"]),
        ("held", ["in_ts", "late"]),
        ("held_or_due", ["held", "due"]),
        ("held", ["seen_known", "seen_none"]),
        ("seen_known", ["seen_yes", "seen_no"]),
        ("held", ["views", "no_views"]),
    ]
    whole = {
        "held": "held",
        "not_recorded": "pn.not_recorded",
        "rated": "rated",
        "attended": "attended",
        "conveyed": "conveyed",
        "not_conveyed": "pn.PN7",
        "pn0": "pn.PN0",
        "views": "views",
        "no_views": "no_views",
    }
    groups = {
        **{f"quarter.{row['quarter']}": row for row in data["trend"][kind]},
        **{
            f"{dimension}.{key}": row
            for dimension, found in data["breakdowns"][kind].items()
            for key, row in found.items()
        },
    }
    for name, row in groups.items():
        cells |= {
            f"{name}.held": row["held"],
            f"{name}.not_recorded": row["participation_not_recorded"],
            f"{name}.rated": row["attended"]["of"],
            f"{name}.attended": row["attended"]["count"],
            f"{name}.conveyed": row["conveyed_without_attending"]["count"],
            f"{name}.not_conveyed": row["not_conveyed"]["count"],
            f"{name}.pn0": None,
            f"{name}.views": row["views_via_bot"]["count"],
            f"{name}.no_views": None,
        }
        parts = [f"{name}.{p}" for p in ("attended", "conveyed", "not_conveyed")]
        pn0 = [] if data["options"]["exclude_pn0"] else [f"{name}.pn0"]
        sums += [
            (f"{name}.held", [f"{name}.not_recorded", f"{name}.pn0", *parts]),
            (f"{name}.rated", [*parts, *pn0]),
            (f"{name}.held", [f"{name}.views", f"{name}.no_views"]),
        ]
    for dimension in ("quarter", "age_band", "gender"):
        names = [name for name in groups if name.startswith(f"{dimension}.")]
        sums += [(total, [f"{n}.{part}" for n in names]) for part, total in whole.items()]
    return cells, sums


def _rates(value: object) -> list[dict[str, Any]]:
    """Every rate (count, of, pct) anywhere inside a JSON value."""
    if isinstance(value, dict):
        if set(value) == {"count", "of", "pct"}:
            return [value]
        return [rate for inner in value.values() for rate in _rates(inner)]
    if isinstance(value, list):
        return [rate for inner in value for rate in _rates(inner)]
    return []


@pytest.mark.parametrize("exclude_pn0", [False, True])
def test_small_counts_are_withheld_everywhere_and_none_can_be_worked_out(
    year: dict[str, str], exclude_pn0: bool
) -> None:
    args = ["--from", "2025-01-01", "--to", "2025-12-31"] + ["--exclude-pn0"] * exclude_pn0
    data = json.loads(_participation(year, *args))
    assert data["options"]["suppress_below"] == 5
    icpc = data["icpc"]
    assert icpc["held"] == "[c]" and icpc["pn"]["PN1"] == "[c]"
    assert icpc["pn"]["PN2"] == 0 and icpc["due_not_held"] == "[c]"  # zeros always show
    assert icpc["attended"] == {"count": "[c]", "of": "[c]", "pct": "[c]"}
    # The headline stays: 12 looked-after reviews; PN6 (2) and its partners are withheld.
    assert data["cla_review"]["held"] == 12 and data["cla_review"]["pn"]["PN6"] == "[c]"
    for kind in ("cla_review", "icpc", "rcpc"):
        cells, sums = _reader_view(data, kind)
        assert (
            sorted(
                name for name, value in cells.items() if isinstance(value, int) and 0 < value < 5
            )
            == []
        )
        assert exposed(cells, sums) == set()
    for rate in _rates({key: data[key] for key in ("cla_review", "icpc", "rcpc", "trend")}):
        withheld = "[c]" in (rate["count"], rate["of"])
        assert (rate["pct"] == "[c]") == withheld, rate
    funnel = data["funnel"]
    assert funnel["by_audience"]["child"] == _funnel(6, 6, 5, "[c]")
    assert funnel["by_age_band"]["unknown"] == _funnel(0, 0, 0, 0)
    assert funnel["by_age_band"]["13_plus"]["invited"] == "[c]"


def test_csv_and_html_mark_withheld_counts_c(year: dict[str, str], tmp_path: Path) -> None:
    args = ("--from", "2025-01-01", "--to", "2025-12-31")
    rows = dict(csv.reader(io.StringIO(_participation(year, *args, "--format", "csv"))))
    assert rows["cla_review.held"] == "12"
    assert rows["breakdowns.cla_review.age_band.under_8.held"] == "[c]"
    assert rows["breakdowns.cla_review.age_band.13_plus.held"] == "6"
    assert rows["cla_review.pn.PN6"] == "[c]" and rows["icpc.pn.PN2"] == "0"
    assert "<5" not in rows.values()
    # A quote that a spreadsheet would run as a formula is neutralised.
    assert rows["feedback.quotes.0"] == "'" + QUOTE
    out = tmp_path / "participation.html"
    _participation(year, *args, "--format", "html", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    parsed = parse_strict(html)
    assert "script" not in parsed.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[c]" in html and "&lt;5" not in html and html.count("data:image/png;base64,") == 8
    assert "http://" not in html and "https://" not in html


def test_pn0_can_be_left_out_of_participation_rates(year: dict[str, str]) -> None:
    args = ("--from", "2025-01-01", "--to", "2025-12-31", "--suppress-below", "1")
    data = json.loads(_participation(year, *args, "--exclude-pn0"))
    assert data["options"]["exclude_pn0"] is True
    cla = data["cla_review"]
    # Z1 (PN0) leaves the denominator: 10 meetings with a code other than PN0.
    assert [cla[name] for name in ("attended", "advocate", "not_conveyed")] == [
        _rate((6, 10, 60.0)),
        _rate((2, 10, 20.0)),
        _rate((1, 10, 10.0)),
    ]
    assert cla["pn"]["PN0"] == 1 and cla["in_timescale"] == _rate((10, 12, 83.3))
    assert data["trend"]["cla_review"][2]["attended"] == _rate((0, 2, 0.0))
    assert json.loads(_participation(year, *args))["options"]["exclude_pn0"] is False


class VisibleText(HTMLParser):
    """The words a reader sees: text outside <style>, and images' alternative text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag == "style"
        self.words += [value or "" for name, value in attrs if name == "alt"]

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style:
            self.words.append(data)


def test_readers_see_whole_definitions_and_no_internal_names(
    year: dict[str, str], tmp_path: Path
) -> None:
    args = ("--from", "2025-01-01", "--to", "2025-12-31", "--suppress-below", "1")
    data = json.loads(_participation(year, *args))
    meanings = {item["term"]: item["meaning"] for item in data["definitions"]}
    assert meanings["Due, not held"].endswith("(held plus due, not held).")
    out = tmp_path / "participation.html"
    _participation(year, *args, "--format", "html", "--out", str(out))
    visible = VisibleText()
    visible.feed(out.read_text(encoding="utf-8"))
    text = " ".join(" ".join(visible.words).split())
    for term, meaning in meanings.items():
        assert f"{term}: {meaning}" in text
    internal = re.compile(r"`|\b[a-z]+_[a-z0-9_]+\b|\b[a-z]+\.[a-z_]+\b")
    assert internal.findall(text.replace(QUOTE, "")) == []  # a parent's words are theirs
    # Theme ids become words; genders and age bands are named.
    assert "the meeting (2)" in text and "the plan (1)" in text
    assert "13 and over" in text and "Not recorded" in text


def test_every_participation_report_is_audited(year: dict[str, str], settings: Settings) -> None:
    _participation(year, "--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv")

    async def events() -> list[dict[str, object]]:
        async with open_services(settings) as services, services.uow() as uow:
            found = await uow.audit.list("report_participation_generated")
            return [dict(e.detail, actor=e.actor, child_id=e.child_id) for e in found]

    assert asyncio.run(events()) == [
        {"start": "2025-01-01", "end": "2025-12-31", "actor": "cli", "child_id": None}
    ]


def test_percentages_need_a_denominator() -> None:
    assert pct(1, 3) == 33.3 and pct(2, 3) == 66.7
    assert pct(0, 0) is None and pct(None, 10) is None and pct(3, None) is None


def test_a_bad_period_is_refused(year: dict[str, str]) -> None:
    result = CliRunner().invoke(
        report, ["participation", "--from", "2025-12-31", "--to", "2025-01-01"], env=year
    )
    assert result.exit_code == 2 and "--to is before --from" in result.output


async def test_a_review_is_due_not_held_only_once_its_due_date_has_passed(
    services: Services,
) -> None:
    async with services.uow() as uow:
        await admin.add_child(uow, "C1", FIXED_NOW)
        await uow.flush()
        for due, held in [
            ("2026-11-10", None),  # due before today (30 November), not held: counted
            ("2026-11-20", None),  # and another
            ("2026-10-30", None),  # due before the period
            ("2026-11-30", None),  # due today: it may still be held today
            ("2026-12-10", None),  # not due yet
            ("2026-11-02", "2026-11-02"),  # held, in timescale
        ]:
            held_on = date.fromisoformat(held) if held else None
            await admin.add_review(
                uow, "C1", "cla_review", date.fromisoformat(due), held_on, FIXED_NOW
            )
        await uow.commit()
    async with services.uow() as uow:
        built = await build_participation_report(
            uow,
            date(2026, 11, 1),
            date(2026, 12, 31),
            now=FIXED_NOW,
            options=ReportOptions(suppress_below=1),
        )
    assert built.cla_review.due_not_held == 2
    assert built.cla_review.in_timescale_with_due_not_held.model_dump() == {
        "count": 1,
        "of": 3,
        "pct": 33.3,
    }


def test_the_main_table_shows_the_same_period_a_year_before(year: dict[str, str]) -> None:
    args = ("--from", "2025-01-01", "--to", "2025-12-31")
    data = json.loads(_participation(year, *args, "--suppress-below", "1"))
    before = data["previous"]
    assert before["period"] == {"from": "2024-01-01", "to": "2024-12-31"}
    # T1 (held on its due day, 20 December 2024, views sent on the 15th) and T5 (held on
    # 30 December 2024, before its due day): both PN1, both seen before.
    assert before["cla_review"] == _kind(
        2,
        (2, 2, 100.0),
        (2, 2, 100.0),
        (0, 2, 0.0),
        (0, 2, 0.0),
        (0, 2, 0.0),
        (2, 2, 100.0),
        0,
        (1, 2, 50.0),
        {"PN1": 2},
        0,
        (2, 2, 100.0),
    )
    assert before["icpc"]["held"] == 0 and before["icpc"]["attended"]["pct"] is None
    # Its own small counts are withheld on their own, and it can be left out.
    withheld = json.loads(_participation(year, *args))["previous"]["cla_review"]
    assert withheld["held"] == "[c]" and withheld["pn"]["PN1"] == "[c]"
    assert json.loads(_participation(year, *args, "--no-compare"))["previous"] is None


def test_the_html_says_what_is_withheld_as_set_and_when_a_year_has_no_data(
    year: dict[str, str],
) -> None:
    args = ("--from", "2025-01-01", "--to", "2025-12-31", "--format", "html")
    legend = "[c]: withheld, because the count is from 1 to 4 or would let one be worked out."
    assert legend in _participation(year, *args)
    assert "because the count is from 1 to 2 or" in _participation(
        year, *args, "--suppress-below", "3"
    )
    assert "because the count is 1 or" in _participation(year, *args, "--suppress-below", "2")
    shown = _participation(year, *args, "--suppress-below", "1")
    assert "Nothing is withheld: every count is shown." in shown and "[c]" not in shown
    # 2024 had meetings; 2023, the year before 2024, had none: no data, not zeros.
    assert "for which there is no data" not in shown
    empty = _participation(year, "--from", "2024-01-01", "--to", "2024-12-31", "--format", "html")
    assert "for which there is no data: no meeting was held or due then" in empty
    held = '<th scope="row">Meetings held</th><td class="num">[c]</td><td class="num">no data</td>'
    assert held in empty
    assert '<td class="num">n/a (0 of 0)</td></tr>' not in empty.split("Trend by quarter")[0]
    data = json.loads(_participation(year, "--from", "2024-01-01", "--to", "2024-12-31"))
    assert data["previous"]["has_meetings"] is False


def test_the_help_says_what_the_options_do() -> None:
    help_text = CliRunner().invoke(report, ["participation", "--help"]).output
    assert "counts from 1 to 4" in " ".join(help_text.split())
