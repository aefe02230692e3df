"""Signing in to the staff web workspace: one-time links, sessions, signing out.

A staff member asks the bot (`/web`) or an admin runs `mysay web link`; either way a link
lasting 10 minutes is made, of which only the hash is stored, and it opens one session,
once. A session ends after 30 minutes without a request, when its owner signs out, or when
an admin deactivates the account or changes its role. Tokens are made by the caller's
channel (they travel in its URLs and cookies); this module stores and checks their hashes.
"""

from __future__ import annotations

from datetime import timedelta

from bot.app import admin
from bot.app.ports import Services
from bot.app.staff_access import SignedIn, StaffKey, staff_member
from bot.app.tokens import new_token, token_hash
from storage.models import Staff

# Where the workspace is served (`mysay web` alone, or beside the webhook in `mysay serve`).
WORKSPACE_PATH = "/staff"
LINK_LIFETIME = timedelta(minutes=10)
IDLE_TIMEOUT = timedelta(minutes=30)


def sign_in_link(web_url: str, token: str) -> str:
    """The address a staff member opens to sign in with `token`."""
    return f"{web_url.rstrip('/')}{WORKSPACE_PATH}/signin/{token}"


async def issue_sign_in_link(services: Services, who: StaffKey) -> str:
    """A new one-time sign-in token for the staff member asking (the bot's `/web`)."""
    token = new_token()
    now = services.clock()
    async with services.uow() as uow:
        staff = await staff_member(uow, who)
        uow.web.add_sign_in(staff.id, token_hash(token), now, now + LINK_LIFETIME)
        uow.audit.record(now, f"staff:{staff.id}", "web_link_issued", None)
        await uow.commit()
    return token


async def issue_sign_in_link_for(services: Services, username: str) -> str:
    """A new one-time sign-in token for a staff member named by username (`mysay web link`)."""
    async with services.uow() as uow:
        staff = await admin.staff_by_username(uow, username)
        if staff.deactivated_at is not None:
            raise admin.AdminError(f"staff member {username!r} is deactivated")
        who = SignedIn(staff.id)
    return await issue_sign_in_link(services, who)


async def sign_in(services: Services, link_token: str) -> str | None:
    """Use a sign-in link once: a new session's token, or None (unknown, used or expired)."""
    now = services.clock()
    async with services.uow() as uow:
        staff_id = await uow.web.use_sign_in(token_hash(link_token), now)
        if staff_id is None:
            return None
        staff = await uow.staff.get(staff_id)
        if staff is None or staff.deactivated_at is not None:
            await uow.commit()  # the link is spent all the same
            return None
        session_token = new_token()
        uow.web.start_session(staff_id, token_hash(session_token), now)
        uow.audit.record(now, f"staff:{staff_id}", "web_signed_in", None)
        await uow.commit()
    return session_token


async def session_staff(services: Services, session_token: str) -> Staff | None:
    """Who a session belongs to, its idle clock restarted; None once it has ended."""
    now = services.clock()
    async with services.uow() as uow:
        session = await uow.web.live_session(token_hash(session_token))
        if session is None:
            return None
        if now - session.last_seen_at > IDLE_TIMEOUT:
            session.ended_at = now
            await uow.commit()
            return None
        staff = await uow.staff.get(session.staff_id)
        if staff is None or staff.deactivated_at is not None:
            return None
        session.last_seen_at = now
        await uow.commit()
        return staff


async def sign_out(services: Services, session_token: str) -> None:
    """End a session (nothing happens for one already ended)."""
    now = services.clock()
    async with services.uow() as uow:
        session = await uow.web.live_session(token_hash(session_token))
        if session is not None:
            session.ended_at = now
            uow.audit.record(now, f"staff:{session.staff_id}", "web_signed_out", None)
            await uow.commit()
