"""The admin's pages: staff accounts, and importing children and meetings from CSV
(checked line by line and previewed before anything is written)."""

from __future__ import annotations

from aiohttp import web

from bot.app import staff_admin
from bot.web.staff.app import Pages, form_fields, page, see_other, signed_in, url, workspace
from storage.models import STAFF_ROLES

ADMINS = ("admin",)
PAGES = Pages(ADMINS)
# An upload is read as UTF-8 (a byte-order mark, as spreadsheets write one, is dropped).
ENCODING = "utf-8-sig"


@PAGES.route("GET", "/staff-members", "staff_members")
async def show_staff(request: web.Request) -> web.Response:
    """List staff, with forms to add one, change a role or deactivate an account."""
    members = await staff_admin.staff_list(workspace(request).services, signed_in(request))
    context = {"members": members, "roles": STAFF_ROLES, "done": request.query.get("done", "")}
    return page(request, "staff", context)


@PAGES.route("POST", "/staff-members", "staff_add")
async def add_staff(request: web.Request) -> web.Response:
    """Add a staff member (they sign in with a link from `mysay web link` or the bot)."""
    username, name, role = await form_fields(request, "username", "name", "role")
    services = workspace(request).services
    await staff_admin.add_staff_member(services, signed_in(request), username, name, role)
    return _staff_list_saying(request, "added")


@PAGES.route("POST", "/staff-members/{username}/role", "staff_role")
async def change_role(request: web.Request) -> web.Response:
    """Change a staff member's role (their web sessions end)."""
    (role,) = await form_fields(request, "role")
    username = request.match_info["username"]
    await staff_admin.change_role(workspace(request).services, signed_in(request), username, role)
    return _staff_list_saying(request, "role")


@PAGES.route("POST", "/staff-members/{username}/deactivate", "staff_deactivate")
async def deactivate(request: web.Request) -> web.Response:
    """Deactivate an account: it opens nothing any more, in the bot or here."""
    await staff_admin.deactivate(
        workspace(request).services, signed_in(request), request.match_info["username"]
    )
    return _staff_list_saying(request, "deactivated")


def _staff_list_saying(request: web.Request, done: str) -> web.Response:
    """Back to the staff list, which says what was just done."""
    return see_other(url(request, "staff_members", {"done": done}))


@PAGES.route("GET", "/import", "imports")
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


@PAGES.route("POST", "/import", "imports_post")
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
