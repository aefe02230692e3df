"""The admin's pages: staff accounts, and importing children and meetings from CSV
(checked line by line and previewed before anything is written)."""

from __future__ import annotations

from aiohttp import web

from bot.app import staff_admin
from bot.web.staff.app import Route, page, see_other, signed_in, url, workspace
from storage.models import STAFF_ROLES

ADMINS = ("admin",)
# An upload is read as UTF-8 (a byte-order mark, as spreadsheets write one, is dropped).
ENCODING = "utf-8-sig"


async def show_staff(request: web.Request) -> web.Response:
    """List staff, with forms to add one, change a role or deactivate an account."""
    members = await staff_admin.staff_list(workspace(request).services, signed_in(request))
    context = {"members": members, "roles": STAFF_ROLES, "done": request.query.get("done", "")}
    return page(request, "staff", context)


async def add_staff(request: web.Request) -> web.Response:
    """Add a staff member (they sign in with a link from `mysay web link` or the bot)."""
    posted = await request.post()
    await staff_admin.add_staff_member(
        workspace(request).services,
        signed_in(request),
        str(posted.get("username", "")),
        str(posted.get("name", "")),
        str(posted.get("role", "")),
    )
    return see_other(url(request, "staff_members", {"done": "added"}))


async def change_role(request: web.Request) -> web.Response:
    """Change a staff member's role (their web sessions end)."""
    posted = await request.post()
    await staff_admin.change_role(
        workspace(request).services,
        signed_in(request),
        request.match_info["username"],
        str(posted.get("role", "")),
    )
    return see_other(url(request, "staff_members", {"done": "role"}))


async def deactivate(request: web.Request) -> web.Response:
    """Deactivate an account: it opens nothing any more, in the bot or here."""
    await staff_admin.deactivate(
        workspace(request).services, signed_in(request), request.match_info["username"]
    )
    return see_other(url(request, "staff_members", {"done": "deactivated"}))


async def show_import(request: web.Request) -> web.Response:
    """The upload form."""
    return page(request, "import", {"check": None, "text": ""})


async def _uploaded(request: web.Request) -> tuple[str, str, bool]:
    """The import's kind, the CSV's text (from the file, or carried from the preview), and
    whether the admin confirmed it."""
    posted = await request.post()
    upload = posted.get("file")
    if isinstance(upload, web.FileField):
        text = upload.file.read().decode(ENCODING, errors="replace")
    else:
        text = str(posted.get("text", ""))
    return str(posted.get("kind", "")), text, posted.get("confirm") == "yes"


async def check_import(request: web.Request) -> web.Response:
    """Check the file line by line; import it only when confirmed after a clean preview."""
    kind, text, confirm = await _uploaded(request)
    if not text.strip():
        return page(request, "import", {"check": None, "text": "", "empty": True}, 400)
    check = await staff_admin.check_import(
        workspace(request).services, signed_in(request), kind, text, confirm=confirm
    )
    status = 400 if check.problems else 200
    return page(request, "import", {"check": check, "text": text}, status)


ROUTES = [
    Route("GET", "/staff-members", show_staff, "staff_members", ADMINS),
    Route("POST", "/staff-members", add_staff, "staff_add", ADMINS),
    Route("POST", "/staff-members/{username}/role", change_role, "staff_role", ADMINS),
    Route("POST", "/staff-members/{username}/deactivate", deactivate, "staff_deactivate", ADMINS),
    Route("GET", "/import", show_import, "imports", ADMINS),
    Route("POST", "/import", check_import, "imports_post", ADMINS),
]
