"""Imports refuse the impossible, warn about the unlikely, and read dates and refs as written."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.bootstrap import open_services
from bot.settings import Settings
from storage.models import Review
from tests.reports.helpers import cli_env
from tests.support import mysay

CHILDREN = "case_ref,birth_date,gender,ethnicity,legal_status,iro_username\n"
REVIEWS = "case_ref,kind,due_date,held_on,iro_username,participation,seen_before\n"
TODAY = date.today()


def _day(days_from_today: int) -> str:
    return (TODAY + timedelta(days=days_from_today)).isoformat()


@pytest.fixture
def env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    found = cli_env(settings, tmp_path)
    assert mysay("db", "upgrade", env=found).exit_code == 0
    return found


def _import(env: dict[str, str], tmp_path: Path, what: str, text: str) -> tuple[int, str]:
    path = tmp_path / f"{what}.csv"
    path.write_text(text, encoding="utf-8")
    result = mysay("import", what, str(path), env=env)
    return result.exit_code, result.output


def _children(env: dict[str, str], tmp_path: Path) -> None:
    # T16 is 16 and B2 is 2 at their meetings below.
    born = f"T16,{_day(-16 * 366 - 60)},,,,\nB2,{_day(-800)},,,,\n"
    code, output = _import(env, tmp_path, "children", CHILDREN + born)
    assert code == 0, output


def _reviews(settings: Settings) -> list[tuple[str, date, date | None, str | None]]:
    async def go() -> list[tuple[str, date, date | None, str | None]]:
        async with open_services(settings) as services, services.uow() as uow:
            found = []
            for child in (await uow.children.by_case_refs(["T16", "B2", "D1"])).values():
                for review in await uow.child_records.reviews(child.id):
                    assert isinstance(review, Review)
                    found.append(
                        (child.case_ref, review.due_date, review.held_on, review.participation)
                    )
            return sorted(found, key=str)

    return asyncio.run(go())


def test_impossible_reviews_are_refused_by_line_and_column(
    env: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    _children(env, tmp_path)
    code, output = _import(
        env,
        tmp_path,
        "reviews",
        REVIEWS
        + f"T16,cla_review,{_day(-30)},{_day(-30)},,PN0,yes\n"  # 2: PN0 is for under-4s
        + f"T16,cla_review,{_day(5)},{_day(3)},,PN1,yes\n"  # 3: held in the future
        + f"T16,icpc,{_day(-60)},,,PN1,\n"  # 4: a code, never held
        + f"T16,icpc,{_day(-90)},,,,no\n"  # 5: seen before, never held
        + f"B2,rcpc,{_day(-20)},{_day(-20)},,PN6,\n"  # 6: fine on its own...
        + f"b2,rcpc,{_day(-20)},{_day(-19)},,PN5,\n"  # 7: ...but the same meeting again
        + f"B2,cla_review,{_day(-2000)},{_day(-2000)},,,\n",  # 8: before B2 was born
    )
    assert code == 1
    for expected in (
        "line 2, column participation: PN0 is for a child under 4, and this child was 16",
        f"line 3, column held_on: {_day(3)} is in the future",
        "line 4, column participation: a meeting not held (no held_on) has no code",
        "line 5, column seen_before: a meeting not held (no held_on) has no answer here",
        "line 7, column case_ref: the same meeting (child, kind and due date) as line 6",
        "line 8, column held_on: is before the child was born",
        "nothing was imported",
    ):
        assert expected in output, (expected, output)
    assert "line 6," not in output
    assert _reviews(settings) == []


def test_a_birth_date_in_the_future_and_a_child_twice_are_refused(
    env: dict[str, str], tmp_path: Path
) -> None:
    code, output = _import(
        env, tmp_path, "children", CHILDREN + f"F1,{_day(2)},,,,\nA1,,,,,\na1,,,,,\n"
    )
    assert code == 1
    assert f"line 2, column birth_date: {_day(2)} is in the future" in output
    assert "line 4, column case_ref: the same child as line 3" in output


def test_unlikely_reviews_go_in_with_a_warning(
    env: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    _children(env, tmp_path)
    code, output = _import(
        env,
        tmp_path,
        "reviews",
        REVIEWS
        + f"B2,cla_review,{_day(-30)},{_day(-30)},,PN1,yes\n"
        + f"T16,cla_review,{_day(-500)},{_day(-50)},,PN1,yes\n",
    )
    assert code == 0, output
    assert "2 created" in output
    assert (
        "warning: line 2, column participation: the child was 2 at the meeting; "
        "PN0 is the code for a child under 4" in output
    )
    assert "warning: line 3, column held_on: 450 days after the due date" in output


def test_dates_may_be_written_day_first(
    env: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    code, output = _import(env, tmp_path, "children", CHILDREN + "D1,05/03/2014,,,,\n")
    assert code == 0, output
    code, output = _import(
        env,
        tmp_path,
        "reviews",
        REVIEWS + "D1,cla_review,1/4/2025,31/03/2025,,PN1,yes\nD1,icpc,31/02/2025,,,,\n",
    )
    assert code == 1
    assert "line 3, column due_date: '31/02/2025' is not a date (YYYY-MM-DD or DD/MM/YYYY)" in (
        output
    )
    code, output = _import(
        env, tmp_path, "reviews", REVIEWS + "D1,cla_review,1/4/2025,31/03/2025,,PN1,yes\n"
    )
    assert code == 0, output
    assert _reviews(settings) == [("D1", date(2025, 4, 1), date(2025, 3, 31), "PN1")]


def test_case_refs_match_whatever_their_capitals(
    env: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    code, output = _import(env, tmp_path, "children", CHILDREN + "Ab-1,2014-03-05,,,,\n")
    assert code == 0, output
    code, output = _import(env, tmp_path, "children", CHILDREN + "AB-1,2014-03-06,,,,\n")
    assert "0 created, 1 updated" in output
    code, output = _import(
        env, tmp_path, "reviews", REVIEWS + "aB-1,cla_review,2025-04-01,2025-04-01,,PN1,yes\n"
    )
    assert code == 0 and "1 created" in output
    added = mysay("child", "add", "--case-ref", "ab-1", env=env)
    assert added.exit_code == 1 and "already exists" in added.output
    record = mysay("report", "record", "--case-ref", "AB-1", env=env)
    assert record.exit_code == 0, record.output

    async def found() -> list[str]:
        async with open_services(settings) as services, services.uow() as uow:
            child = await uow.children.by_case_ref("ab-1")
            assert child is not None
            return [child.case_ref, str(child.birth_date)]

    assert asyncio.run(found()) == ["Ab-1", "2014-03-06"]  # stored as first typed


def test_kinds_codes_and_usernames_are_read_in_any_capitals(
    env: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    added = mysay(
        "staff", "add", "--username", "AMorgan", "--name", "A Morgan", "--role", "iro", env=env
    )
    assert added.exit_code == 0, added.output
    again = mysay("staff", "add", "--username", "amorgan", "--name", "A", "--role", "iro", env=env)
    assert again.exit_code == 1 and "already exists" in again.output
    code, output = _import(env, tmp_path, "children", CHILDREN + "D1,2014-03-05,,,,amorgan\n")
    assert code == 0, output
    code, output = _import(
        env, tmp_path, "reviews", REVIEWS + "D1,CLA_Review,2025-04-01,2025-04-01,AMORGAN,pn1,Yes\n"
    )
    assert code == 0, output
    assert _reviews(settings) == [("D1", date(2025, 4, 1), date(2025, 4, 1), "PN1")]
    report = mysay(
        "report", "participation", "--from", "2025-04-01", "--to", "2025-04-30",
        "--chaired-by", "aMORGAN", env=env,
    )  # fmt: skip
    assert report.exit_code == 0, report.output
    link = mysay("web", "link", "--staff", "amorgan", env=env)
    assert link.exit_code == 0, link.output
    code, output = _import(env, tmp_path, "children", CHILDREN + "D2,2014-03-05,,,,AMorgen\n")
    assert code == 1
    assert "line 2, column iro_username: no such staff member 'AMorgen'" in output
