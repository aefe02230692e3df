"""The manager's pages: the participation report (with its downloads), caseloads per IRO,
what is past its deadline, and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from aiohttp import web

from bot.app import caseload, oversight
from bot.web.staff.app import Pages, page, signed_in, workspace
from conversations.review_kinds import REVIEW_KINDS
from feedback_reports import labels
from feedback_reports.participation_model import ParticipationReport, ReportOptions

MANAGERS = ("manager",)
PAGES = Pages(MANAGERS)
AUDIT_DAYS = 7
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# How many children each IRO has (and how many have something open); flags and requests past
# their deadlines, across the service.
PAGES.shows("/caseloads", "caseloads", "rows", caseload.caseloads_per_iro)
PAGES.shows("/overdue", "overdue", "overdue", oversight.overdue)


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
) -> tuple[ReportQuery, list[str], ParticipationReport | None]:
    """The query, the IROs to choose from, and the report (made and audited as the CLI does);
    no report when the query was wrong, so no figures are shown for a period not asked for."""
    services = workspace(request).services
    iros = await _iros(request)
    asked = _report_query(request, iros)
    if asked.problem:
        return asked, iros, None
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


@PAGES.route("GET", "/report", "report")
async def show_report(request: web.Request) -> web.Response:
    """The participation report of a period, one kind of meeting or all, with charts."""
    # The report's formats are imported where they are used: matplotlib alone is about
    # 35 MB and half a second of start-up that `mysay serve` would carry for a page few open.
    from feedback_reports import charts

    asked, iros, report = await _asked_report(request)
    context = {
        "asked": asked,
        "iros": iros,
        "report": report,
        "kind_words": labels.KIND_WORDS,
        "code_words": labels.CODE_ROW_WORDS,
        "audience_words": labels.AUDIENCE_WORDS,
        "all_kinds": REVIEW_KINDS,
        "charts": charts.all_charts(report) if report else {},
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


@PAGES.route("GET", "/report.{suffix}", "report_file")
async def download_report(request: web.Request) -> web.Response:
    """The report as a file, as `mysay report` writes it: CSV (the same measures and values as
    the JSON), a workbook (one sheet per table) or JSON."""
    from feedback_reports import render_participation, render_workbook

    suffix = request.match_info["suffix"]
    renderers: dict[str, tuple[Callable[[ParticipationReport], str | bytes], str]] = {
        "csv": (render_participation.render_csv, "text/csv"),
        "xlsx": (render_workbook.render_xlsx, XLSX),
        "json": (render_participation.render_json, "application/json"),
    }
    if suffix not in renderers:
        raise web.HTTPNotFound()
    render, content_type = renderers[suffix]
    asked, _, report = await _asked_report(request)
    if report is None:
        raise web.HTTPBadRequest(text=asked.problem)
    return _download(render(report), content_type, asked, suffix)


@PAGES.route("GET", "/audit", "audit")
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
