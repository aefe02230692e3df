"""The manager's and the admin's pages: the report (filters, downloads that match the JSON),
caseloads, overdue work, the audit log; staff accounts and CSV imports."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.app import admin
from storage.models import PlanEpisode
from tests.support import mysay
from tests.web.conftest import Site, add_child_activity

PERIOD = {"from": "2026-01-01", "to": "2026-11-30"}


async def _held_meetings(site: Site) -> None:
    """Meetings held this year: six chaired by iro1 (C001), one by iro2 (C002)."""
    now = site.services.clock()
    async with site.services.uow() as uow:
        for month in range(3, 9):
            due = date(2026, month, 3)
            await admin.add_review(uow, "C001", "cla_review", due, due, now)
        await admin.add_review(uow, "C002", "cla_review", date(2026, 6, 6), date(2026, 6, 6), now)
        await uow.commit()


async def _json(site: Site, query: dict[str, str]) -> dict:
    response = await site.client.get("/staff/report.json", params=query)
    assert response.status == 200
    assert "attachment" in response.headers["Content-Disposition"]
    return json.loads(await response.text())


async def test_the_report_filters_by_kind_and_iro(site: Site) -> None:
    await _held_meetings(site)
    await site.sign_in_as("manager1")
    page = await (await site.client.get("/staff/report", params={**PERIOD, "kind": "icpc"})).text()
    assert 'data-kind="icpc"' in page and 'data-kind="cla_review"' not in page
    assert '<img src="data:image/png;base64,' in page
    everyone = await _json(site, {**PERIOD, "kind": "all"})
    iro1 = await _json(site, {**PERIOD, "iro": "iro1"})
    assert (everyone["cla_review"]["held"], iro1["cla_review"]["held"]) == (7, 6)
    assert iro1["options"]["chaired_by"] == "iro1"
    assert everyone["options"]["chaired_by"] is None
    unsuppressed = {**PERIOD, "iro": "iro2"}
    assert (await _json(site, unsuppressed))["options"]["chaired_by"] == "iro2"
    wrong = await site.client.get("/staff/report", params={**PERIOD, "iro": "nobody"})
    assert wrong.status == 400 and "Choose an IRO" in await wrong.text()


async def test_the_report_speaks_readers_words_and_a_wrong_period_shows_no_figures(
    site: Site,
) -> None:
    await _held_meetings(site)
    await site.sign_in_as("manager1")
    page = await (await site.client.get("/staff/report", params=PERIOD)).text()
    assert "No participation code recorded" in page and "PN1: Attended and spoke" in page
    assert '<th scope="row">Parents</th>' in page
    for raw in (">not_recorded<", ">child<", ">parent<", ">carer<"):
        assert raw not in page
    reversed_period = {"from": "2026-11-30", "to": "2026-01-01"}
    wrong = await site.client.get("/staff/report", params=reversed_period)
    text = await wrong.text()
    assert wrong.status == 400 and "The period ends before it starts." in text
    assert 'id="from"' in text and "data-measure" not in text and "download>" not in text
    download = await site.client.get("/staff/report.csv", params=reversed_period)
    assert download.status == 400 and "The period ends before it starts." in await download.text()


async def test_csv_and_xlsx_downloads_hold_the_json_reports_figures(site: Site) -> None:
    await _held_meetings(site)
    await site.sign_in_as("manager1")
    query = {**PERIOD, "iro": "iro1"}
    report = await _json(site, query)
    rows = list(
        csv.reader(
            io.StringIO(await (await site.client.get("/staff/report.csv", params=query)).text())
        )
    )
    figures = dict(rows[1:])
    assert figures["cla_review.held"] == str(report["cla_review"]["held"]) == "6"
    assert figures["cla_review.attended.of"] == str(report["cla_review"]["attended"]["of"])
    assert figures["options.chaired_by"] == "iro1"
    xlsx = await site.client.get("/staff/report.xlsx", params=query)
    assert xlsx.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx_held(await xlsx.read()) == report["cla_review"]["held"] == 6


def xlsx_held(workbook_bytes: bytes) -> object:
    """The looked-after reviews held, as the workbook's Meetings sheet gives it."""
    sheet = load_workbook(io.BytesIO(workbook_bytes))["Meetings"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    column = rows[1].index("Looked-after reviews")
    return next(row[column] for row in rows if row[0] == "Meetings held")


async def test_caseloads_overdue_and_the_audit_log(site: Site) -> None:
    await add_child_activity(site.services, respond_by_hours=1)
    await site.sign_in_as("iro1")
    await site.client.get("/staff/children/C001")  # a read to find in the audit log
    site.clock.advance(hours=2)  # the flag's deadline passes unacknowledged
    await site.sign_in_as("manager1")
    caseloads = await (await site.client.get("/staff/caseloads")).text()
    assert "iro1" in caseloads and "iro2" in caseloads
    overdue = await (await site.client.get("/staff/overdue")).text()
    assert "#1" in overdue and "urgent" in overdue
    audit = await (
        await site.client.get("/staff/audit", params={"action": "report_record_generated"})
    ).text()
    assert "iro1" in audit and "C001" in audit and "web_signed_in" not in audit


async def test_admins_manage_staff_accounts(site: Site) -> None:
    await site.sign_in_as("admin1")
    added = await site.post(
        "/staff/staff-members", {"username": "iro3", "name": "New IRO", "role": "iro"}
    )
    assert added.headers["Location"] == "/staff/staff-members?done=added"
    again = await site.post(
        "/staff/staff-members", {"username": "iro3", "name": "Twice", "role": "iro"}
    )
    assert again.status == 400 and "already exists" in await again.text()
    assert (await site.post("/staff/staff-members/iro3/role", {"role": "manager"})).status == 303
    self_demoted = await site.post("/staff/staff-members/admin1/role", {"role": "iro"})
    assert self_demoted.status == 400
    page = await (await site.client.get("/staff/staff-members")).text()
    assert "iro3" in page and "New IRO" in page
    async with site.services.uow() as uow:
        changed = await uow.staff.by_username("iro3")
        assert changed is not None and changed.role == "manager"


CHILDREN = (
    "case_ref,birth_date,gender,ethnicity,legal_status,iro_username\n"
    "C101,2014-02-03,Female,WBRI,C2,iro1\n"
    "C102,2031-01-01,x,WBRI,C2,nobody\n"
)


async def test_an_import_is_previewed_line_by_line_then_confirmed(site: Site) -> None:
    await site.sign_in_as("admin1")
    bad = await site.client.post(
        "/staff/import",
        data={
            "csrf_token": await site.token(),
            "kind": "children",
            "file": io.BytesIO(CHILDREN.encode()),
        },
    )
    page = await bad.text()
    assert bad.status == 400 and "nothing was imported" in page
    assert '<td class="num">3</td><td>birth_date</td>' in page  # the line and column
    good = CHILDREN.splitlines()[0] + "\n" + CHILDREN.splitlines()[1] + "\n"
    preview = await site.post("/staff/import", {"kind": "children", "text": good})
    assert "Ready to import" in await preview.text()
    async with site.services.uow() as uow:
        assert await uow.children.by_case_ref("C101") is None  # a preview writes nothing
    confirmed = await site.post(
        "/staff/import", {"kind": "children", "text": good, "confirm": "yes"}
    )
    assert "Imported (children): 1 new" in await confirmed.text()
    async with site.services.uow() as uow:
        assert await uow.children.by_case_ref("C101") is not None


async def test_plans_are_imported_in_the_workspace_like_children(site: Site) -> None:
    await site.sign_in_as("admin1")
    page = await (await site.client.get("/staff/import")).text()
    assert 'value="plans"' in page and "case_ref,started_on,ended_on,category" in page
    plans = "case_ref,started_on,ended_on,category\nc001,01/02/2026,,Neglect\n"
    preview = await site.post("/staff/import", {"kind": "plans", "text": plans})
    assert "Ready to import" in await preview.text()
    confirmed = await site.post(
        "/staff/import", {"kind": "plans", "text": plans, "confirm": "yes"}
    )
    assert "Imported (plans): 1 new" in await confirmed.text()
    async with site.services.uow() as uow:
        child = await uow.children.by_case_ref("C001")
        assert child is not None
        (plan,) = await uow.episodes.of_children(PlanEpisode, [child.id])
        assert isinstance(plan, PlanEpisode)
        assert (plan.started_on, plan.ended_on, plan.category) == (
            date(2026, 2, 1),
            None,
            "neglect",
        )
    refused = await site.post("/staff/import", {"kind": "plans", "text": plans[:-8] + "x\n"})
    assert refused.status == 400 and "nothing was imported" in await refused.text()


def test_the_command_line_report_takes_the_same_iro_filter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MYSAY_DATA_DIR", str(tmp_path))
    assert mysay("db", "upgrade").exit_code == 0
    assert (
        mysay("staff", "add", "--username", "ana", "--name", "Ana", "--role", "iro").exit_code == 0
    )
    period = ("--from", "2026-01-01", "--to", "2026-11-30")
    made = mysay("report", "participation", *period, "--chaired-by", "ana")
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["options"]["chaired_by"] == "ana"
    unknown = mysay("report", "participation", *period, "--chaired-by", "nobody")
    assert unknown.exit_code == 2 and "no staff member" in unknown.output


def _row(page: str, case_ref: str) -> str:
    """The table row of one case on a page."""
    return next(row for row in page.split("<tr>") if f">{case_ref}</a>" in row)


async def test_a_meeting_due_before_today_and_not_held_shows_as_overdue(site: Site) -> None:
    now = site.services.clock()
    async with site.services.uow() as uow:
        await admin.add_review(uow, "C001", "cla_review", date(2027, 6, 1), None, now)
        await admin.add_child(uow, "C003", now, birth_date=date(2012, 3, 4), iro_username="iro1")
        await uow.flush()
        await admin.add_review(
            uow, "C003", "cla_review", date(2026, 11, 2), date(2026, 11, 2), now
        )
        await uow.commit()
    # Two weeks after C001's meeting (07/12), which nobody recorded as held.
    site.clock.now = site.clock.now.replace(month=12, day=21)
    await site.sign_in_as("manager1")
    caseload = await (await site.client.get("/staff/caseload")).text()
    assert "Overdue" in _row(caseload, "C001") and "Mon 07 Dec 2026" in _row(caseload, "C001")
    assert "none booked" in _row(caseload, "C003")  # held, nothing else booked
    overdue = (await (await site.client.get("/staff/overdue")).text()).split("Meetings past")[1]
    assert "Mon 07 Dec 2026" in _row(overdue, "C001") and "iro1" in _row(overdue, "C001")
    assert "Wed 09 Dec 2026" in _row(overdue, "C002")
    assert ">C003<" not in overdue and "2027" not in overdue
