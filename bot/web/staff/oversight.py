"""The manager's pages: the participation report (with its downloads), caseloads per IRO,
what is past its deadline, and the audit log."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from aiohttp import web

from bot.app import caseload, oversight
from bot.web.staff.app import Route, page, signed_in, workspace
from conversations.review_kinds import REVIEW_KINDS
from feedback_reports import charts, labels, render_participation, render_workbook
from feedback_reports.participation_model import ParticipationReport, ReportOptions

MANAGERS = ("manager",)
AUDIT_DAYS = 7
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ReportQuery:
    """What the report form asked for, checked; `problem` says what was wrong with it."""

    start: date
    end: date
    kind: str
    iro: str = ""
    problem: str | None = None

    def query(self) -> dict[str, str]:
        period = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        return {**period, "kind": self.kind, "iro": self.iro}

    def kinds(self) -> tuple[str, ...]:
        return REVIEW_KINDS if self.kind == "all" else (self.kind,)


def _year_start(today: date, month: int) -> date:
    """The first day of the service's current reporting year."""
    year = today.year if today.month >= month else today.year - 1
    return date(year, month, 1)


def _report_query(request: web.Request, iros: list[str]) -> ReportQuery:
    """The report asked for in the query string; what is wrong in it is replaced, and said."""
    services = workspace(request).services
    today = services.today().date()
    default = ReportQuery(
        _year_start(today, services.settings.report_year_start_month), today, "all"
    )
    kind, iro = request.query.get("kind", "all"), request.query.get("iro", "")
    try:
        start = date.fromisoformat(request.query.get("from", default.start.isoformat()))
        end = date.fromisoformat(request.query.get("to", default.end.isoformat()))
    except ValueError:
        return replace(default, problem="Dates are written YYYY-MM-DD.")
    if kind != "all" and kind not in REVIEW_KINDS:
        return replace(default, problem="Choose a kind of meeting from the list.")
    if iro and iro not in iros:
        return replace(default, problem="Choose an IRO from the list.")
    if end < start:
        return replace(default, problem="The period ends before it starts.")
    return ReportQuery(start, end, kind, iro)


async def _iros(request: web.Request) -> list[str]:
    """The IROs a report may be limited to (managers only, as the report is)."""
    rows = await caseload.caseloads_per_iro(workspace(request).services, signed_in(request))
    return [row.username for row in rows if row.username]


async def _asked_report(
    request: web.Request,
) -> tuple[ReportQuery, list[str], ParticipationReport]:
    """The query, the IROs to choose from, and the report (made and audited as the CLI does)."""
    services = workspace(request).services
    iros = await _iros(request)
    asked = _report_query(request, iros)
    options = ReportOptions(
        year_start_month=services.settings.report_year_start_month,
        targets=services.settings.report_targets,
        challenge_stage_days=services.settings.challenge_stage_days,
        chaired_by=asked.iro or None,
    )
    report = await oversight.participation_report(
        services, signed_in(request), asked.start, asked.end, options
    )
    return asked, iros, report


async def show_report(request: web.Request) -> web.Response:
    """The participation report of a period, one kind of meeting or all, with charts."""
    asked, iros, report = await _asked_report(request)
    context = {
        "asked": asked,
        "iros": iros,
        "report": report,
        "kind_words": labels.KIND_WORDS,
        "all_kinds": REVIEW_KINDS,
        "charts": charts.all_charts(report),
    }
    return page(request, "report", context, 400 if asked.problem else 200)


def _download(
    body: str | bytes, content_type: str, asked: ReportQuery, suffix: str
) -> web.Response:
    name = f"participation-{asked.start.isoformat()}-{asked.end.isoformat()}.{suffix}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if isinstance(body, str):
        return web.Response(text=body, content_type=content_type, headers=headers)
    return web.Response(body=body, content_type=content_type, headers=headers)


async def download_csv(request: web.Request) -> web.Response:
    """The report's figures as CSV (the same measures and values as the JSON)."""
    asked, _, report = await _asked_report(request)
    return _download(render_participation.render_csv(report), "text/csv", asked, "csv")


async def download_xlsx(request: web.Request) -> web.Response:
    """The report as a workbook, one sheet per table, as `mysay report` writes it."""
    asked, _, report = await _asked_report(request)
    return _download(render_workbook.render_xlsx(report), XLSX, asked, "xlsx")


async def download_json(request: web.Request) -> web.Response:
    """The report as JSON, as `mysay report participation` writes it."""
    asked, _, report = await _asked_report(request)
    return _download(render_participation.render_json(report), "application/json", asked, "json")


async def show_caseloads(request: web.Request) -> web.Response:
    """How many children each IRO has, and how many have something open."""
    rows = await caseload.caseloads_per_iro(workspace(request).services, signed_in(request))
    return page(request, "caseloads", {"rows": rows})


async def show_overdue(request: web.Request) -> web.Response:
    """Flags and requests past their deadlines, across the service."""
    found = await oversight.overdue(workspace(request).services, signed_in(request))
    return page(request, "overdue", {"overdue": found})


async def show_audit(request: web.Request) -> web.Response:
    """Who did what, and whose records they read, over some days (the last week by default)."""
    services = workspace(request).services
    today = services.today().date()
    try:
        start = date.fromisoformat(
            request.query.get("from", (today - timedelta(days=AUDIT_DAYS)).isoformat())
        )
        end = date.fromisoformat(request.query.get("to", today.isoformat()))
    except ValueError:
        start, end = today - timedelta(days=AUDIT_DAYS), today
    action = request.query.get("action") or None
    rows = await oversight.audit_log(services, signed_in(request), start, end, action)
    context = {"rows": rows, "start": start, "end": end, "action": action or ""}
    return page(request, "audit", context)


ROUTES = [
    Route("GET", "/report", show_report, "report", MANAGERS),
    Route("GET", "/report.csv", download_csv, "report_csv", MANAGERS),
    Route("GET", "/report.xlsx", download_xlsx, "report_xlsx", MANAGERS),
    Route("GET", "/report.json", download_json, "report_json", MANAGERS),
    Route("GET", "/caseloads", show_caseloads, "caseloads", MANAGERS),
    Route("GET", "/overdue", show_overdue, "overdue", MANAGERS),
    Route("GET", "/audit", show_audit, "audit", MANAGERS),
]
