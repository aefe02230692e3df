"""The IRO's pages (managers may open them too, as in the bot): caseload, a child's page
with their views, flags, requests, the outcome and challenge forms, and invitations."""

from __future__ import annotations

from datetime import date

from aiohttp import web
from markupsafe import Markup

from bot.app import caseload, flags, iro_tools, requests
from bot.app.challenges import challenge_form, submit_challenge_form
from bot.app.joining import telegram_link
from bot.app.outcome_form import NoMeeting, outcome_form, submit_outcome_form
from bot.web.staff.app import CASEWORK, Pages, page, see_other, signed_in, url, workspace
from conversations.flow_ids import FlowId

PAGES = Pages(CASEWORK)
INVITE_ROLES = ("child", "parent", "carer")

# My children (next meeting, how far each has got, what is open); open flags with deadlines.
PAGES.shows("/caseload", "caseload", "lines", caseload.caseload)
PAGES.shows("/flags", "flags", "lines", flags.open_flags)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@PAGES.route("GET", "/children/{case_ref}", "child")
async def show_child(request: web.Request) -> web.Response:
    """Show a child's views for one meeting (audited; the child gets a read receipt)."""
    ws = workspace(request)
    case_ref = request.match_info["case_ref"]
    review = request.query.get("review", "")
    views = await iro_tools.read_views(
        ws.services, signed_in(request), case_ref, int(review) if review.isdigit() else None
    )
    await ws.deliver()
    history = await caseload.child_history(ws.services, signed_in(request), case_ref)
    return page(request, "child", {"record": views.record, "history": history})


@PAGES.route("GET", "/children/{case_ref}/record.html", "child_record")
async def download_record(request: web.Request) -> web.Response:
    """The record as an HTML file to keep or print (a read, audited like the page)."""
    ws = workspace(request)
    views = await iro_tools.read_views(
        ws.services, signed_in(request), request.match_info["case_ref"]
    )
    await ws.deliver()
    return web.Response(
        text=views.html,
        content_type="text/html",
        headers={"Content-Disposition": f'attachment; filename="{views.file_name}"'},
    )


def _flag_id(request: web.Request) -> int:
    text = request.match_info["flag_id"]
    if not text.isdigit():
        raise web.HTTPNotFound()
    return int(text)


@PAGES.route("GET", "/flags/{flag_id}", "flag")
async def show_flag(request: web.Request) -> web.Response:
    """Show the words behind a flag (audited)."""
    words = await flags.read_flag(
        workspace(request).services, signed_in(request), _flag_id(request)
    )
    return page(request, "flag", {"words": words, "note_missing": False})


@PAGES.route("POST", "/flags/{flag_id}/acknowledge", "flag_acknowledge")
async def acknowledge_flag(request: web.Request) -> web.Response:
    """Acknowledge a flag, then go back to the queue."""
    await flags.acknowledge(workspace(request).services, signed_in(request), _flag_id(request))
    return see_other(url(request, "flags", {"done": "acknowledged"}))


@PAGES.route("POST", "/flags/{flag_id}/close", "flag_close")
async def close_flag(request: web.Request) -> web.Response:
    """Close a flag with a note of what was done (a note is required)."""
    flag_id = _flag_id(request)
    note = str((await request.post()).get("note", "")).strip()
    if not note:
        words = await flags.read_flag(workspace(request).services, signed_in(request), flag_id)
        return page(request, "flag", {"words": words, "note_missing": True}, 400)
    await flags.close(workspace(request).services, signed_in(request), flag_id, note)
    return see_other(url(request, "flags", {"done": "closed"}))


@PAGES.route("GET", "/requests", "requests")
async def show_requests(request: web.Request) -> web.Response:
    """List what children asked for (the child hears that their IRO has seen it)."""
    ws = workspace(request)
    lines = await requests.open_requests(ws.services, ws.flows, signed_in(request))
    await ws.deliver()
    return page(request, "requests", {"lines": lines})


@PAGES.route("POST", "/requests/{request_id}/done", "request_done")
async def mark_request_done(request: web.Request) -> web.Response:
    """Mark a request done, with an optional note the child receives."""
    ws = workspace(request)
    request_id = request.match_info["request_id"]
    if not request_id.isdigit():
        raise web.HTTPNotFound()
    note = str((await request.post()).get("note", "")).strip() or None
    await requests.mark_done(ws.services, ws.flows, signed_in(request), int(request_id), note)
    await ws.deliver()
    return see_other(url(request, "requests", {"done": request_id}))


def _no_meeting(request: web.Request, missing: NoMeeting) -> web.Response:
    context = {"case_ref": missing.case_ref, "form": None, "result": None}
    return page(request, "outcome", context, 404)


@PAGES.route("GET", "/children/{case_ref}/outcome", "outcome")
async def show_outcome_form(request: web.Request) -> web.Response:
    """The outcome form for the child's latest meeting (or the one due on ?due=)."""
    ws = workspace(request)
    case_ref = request.match_info["case_ref"]
    due = _day(request.query.get("due"))
    try:
        form = await outcome_form(
            ws.services, ws.flows[FlowId.outcome], signed_in(request), case_ref, due
        )
    except NoMeeting as missing:
        return _no_meeting(request, missing)
    return page(request, "outcome", {"case_ref": form.case_ref, "form": form, "result": None})


@PAGES.route("POST", "/children/{case_ref}/outcome", "outcome_post")
async def record_outcome(request: web.Request) -> web.Response:
    """Check the outcome with the outcome flow; record it, or show the form with the problem."""
    ws = workspace(request)
    case_ref = request.match_info["case_ref"]
    posted = await request.post()
    due = _day(str(posted.get("due", "")))
    flow = ws.flows[FlowId.outcome]
    values = {key: str(value) for key, value in posted.items() if key not in ("csrf_token", "due")}
    try:
        result = await submit_outcome_form(
            ws.services,
            flow,
            signed_in(request),
            case_ref,
            due,
            values,
            confirmed=values.pop("confirm_held_on", "") == "yes",
        )
        form = await outcome_form(ws.services, flow, signed_in(request), case_ref, due)
    except NoMeeting as missing:
        return _no_meeting(request, missing)
    if result.recorded:
        await ws.deliver()  # the note to the child
    status = 200 if result.recorded else 400
    context = {"case_ref": form.case_ref, "form": form, "result": result}
    return page(request, "outcome", context, status)


@PAGES.route("GET", "/children/{case_ref}/challenge", "challenge")
async def show_challenge_form(request: web.Request) -> web.Response:
    """The challenge form, with the challenges recorded for the child."""
    ws = workspace(request)
    form = await challenge_form(
        ws.services, ws.flows[FlowId.challenge], signed_in(request), request.match_info["case_ref"]
    )
    return page(request, "challenge", {"form": form, "result": None})


@PAGES.route("POST", "/children/{case_ref}/challenge", "challenge_post")
async def record_challenge(request: web.Request) -> web.Response:
    """Check the challenge with the challenge flow; record it, or show the form with the
    problem beside the answer it is about."""
    ws = workspace(request)
    case_ref = request.match_info["case_ref"]
    posted = await request.post()
    values = {key: str(value) for key, value in posted.items() if key != "csrf_token"}
    flow = ws.flows[FlowId.challenge]
    result = await submit_challenge_form(ws.services, flow, signed_in(request), case_ref, values)
    form = await challenge_form(ws.services, flow, signed_in(request), case_ref)
    return page(
        request, "challenge", {"form": form, "result": result}, 200 if result.recorded else 400
    )


@PAGES.route("GET", "/children/{case_ref}/invite", "invite")
async def show_invite(request: web.Request) -> web.Response:
    """Ask who the invitation is for."""
    case_ref = await caseload.open_case(
        workspace(request).services, signed_in(request), request.match_info["case_ref"]
    )
    return page(request, "invite", {"case_ref": case_ref, "made": None})


@PAGES.route("POST", "/children/{case_ref}/invite", "invite_post")
async def make_invitation(request: web.Request) -> web.Response:
    """Make a one-time joining link, shown as text and as a QR code."""
    import segno  # only this page draws QR codes: `mysay serve` starts without it

    ws = workspace(request)
    case_ref = request.match_info["case_ref"]
    role = str((await request.post()).get("role", ""))
    if role not in INVITE_ROLES:
        return page(request, "invite", {"case_ref": case_ref, "made": None, "bad_role": True}, 400)
    made = await iro_tools.invite(ws.services, signed_in(request), case_ref, role)
    username = ws.services.settings.bot_username
    link = telegram_link(username, made.code) if username else None
    qr = Markup(
        segno.make(link or made.code, error="m").svg_inline(scale=6, title="QR code of the link")
    )
    context = {
        "case_ref": made.case_ref,
        "made": made,
        "link": link,
        "qr": qr,
        "days": ws.services.settings.invitation_days,
    }
    return page(request, "invite", context)
