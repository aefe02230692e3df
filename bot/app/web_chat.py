"""A child's conversation in a web browser: opening it from the invitation, keeping it to
one browser, and moving it to another with a PIN.

Telegram's terms keep under-16s out, so a child's invitation also opens the same
conversation in a browser. The first visit binds the invitation to that browser: a random
token in a cookie, of which only the hash is stored. The child may choose a 4-digit PIN to
carry on in another browser through the same link; tries are limited, and the chat is then
open in the new browser only. A new invitation for the child ends the binding and the PIN.

The web chat is a participant like a Telegram account: its chat id is minus the web chat's
id, so every use case keyed by a chat id (conversations, /myanswers, receipts, reminders)
serves it unchanged. Each web input carries its own id, negative and random, where Telegram
sends an update id: a form sent twice is recognised and changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.app.ports import Services, UnitOfWork
from bot.app.tokens import new_token
from storage.models import Invitation, Participant, WebChat

# Wrong PINs allowed before the link can only be reopened by a new invitation.
MAX_PIN_TRIES = 5
PIN = re.compile(r"^[0-9]{4}$")
# The browser door is the child's: parents and carers are adults who can use Telegram.
WEB_ROLE = "child"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class Door(StrEnum):
    """What opening a link in a browser did."""

    opened = "opened"  # first visit: the chat is bound to this browser now
    reopened = "reopened"  # this browser has it already
    pin_needed = "pin_needed"  # open elsewhere; the child's PIN moves it here
    elsewhere = "elsewhere"  # open elsewhere, and no PIN (or no tries) to move it
    unknown = "unknown"
    expired = "expired"
    used = "used"  # used in Telegram, or its chat was reopened from a newer link
    not_for_browser = "not_for_browser"  # a parent's, carer's or staff invitation


@dataclass(frozen=True)
class Opened:
    door: Door
    # A new token for this browser's cookie, when the chat was bound to it just now.
    token: str | None = None
    tries_left: int = 0


def browser_link(web_url: str, code: str) -> str:
    """The 'Open in your browser' link of a child's invitation (its page is `/c/<code>`)."""
    return f"{web_url.rstrip('/')}/c/{code}"


def chat_id_of(chat: WebChat) -> int:
    """The chat id the use cases know this web chat by (Telegram's are positive)."""
    return -chat.id


def is_web_chat(chat_id: int) -> bool:
    """Tell a web chat's id from a Telegram chat's."""
    return chat_id < 0


def actor_for(chat_id: int) -> str:
    """The audit log's name for whoever uses this web chat."""
    return f"web:{-chat_id}"


def new_input_id() -> int:
    """An id for one web input, recorded like a Telegram update id (never one of theirs)."""
    return -(secrets.randbits(62) + 1)


def _pin_hash(pin: str, salt: bytes) -> str:
    digest = hashlib.scrypt(pin.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def _pin_matches(pin: str, stored: str) -> bool:
    _, salt, _ = stored.split("$")
    return hmac.compare_digest(_pin_hash(pin, bytes.fromhex(salt)), stored)


async def open_link(services: Services, code: str, token: str | None) -> Opened:
    """Open the chat an invitation link leads to, in the browser holding `token` (if any).

    An unused child's invitation is used up here and binds the chat to this browser (the
    child's earlier web chat, if a new invitation was made for it, so answers carry on).
    """
    now = services.clock()
    async with services.uow() as uow:
        invitation = await uow.invitations.by_code(code)
        if invitation is None:
            return Opened(Door.unknown)
        if invitation.role != WEB_ROLE or invitation.child_id is None:
            return Opened(Door.not_for_browser)
        if invitation.used_at is not None:
            return await _reopen(uow, invitation, token)
        if invitation.expires_at <= now:
            return Opened(Door.expired)
        if not await uow.invitations.claim(invitation, now):
            return Opened(Door.used)
        chat = await _chat_for(uow, invitation.child_id, now)
        chat.invitation_id = invitation.id
        token = new_token()
        uow.web_chats.bind(chat, token, now)
        participant = await _participant_of(uow, chat, now)
        invitation.used_by_id = participant.id
        actor = actor_for(chat_id_of(chat))
        uow.audit.record(now, actor, "invitation_redeemed", invitation.child_id, role=WEB_ROLE)
        await uow.commit()
        return Opened(Door.opened, token)


async def _reopen(uow: UnitOfWork, invitation: Invitation, token: str | None) -> Opened:
    """A used link: this browser's own chat, or one a PIN may move here."""
    chat = await uow.web_chats.opened_by(invitation.id)
    if chat is None:
        return Opened(Door.used)
    if token is not None and chat.token_hash is not None:
        mine = await uow.web_chats.by_token(token)
        if mine is not None and mine.id == chat.id:
            return Opened(Door.reopened)
    tries_left = MAX_PIN_TRIES - chat.pin_failures
    if chat.pin_hash is None or tries_left <= 0:
        return Opened(Door.elsewhere)
    return Opened(Door.pin_needed, tries_left=tries_left)


async def _chat_for(uow: UnitOfWork, child_id: int, now: datetime) -> WebChat:
    chat = await uow.web_chats.for_child(child_id)
    if chat is None:
        chat = uow.web_chats.add(WebChat(child_id=child_id, pin_failures=0, created_at=now))
        await uow.flush()
    return chat


async def _participant_of(uow: UnitOfWork, chat: WebChat, now: datetime) -> Participant:
    """The web chat's participant row, made on its first opening."""
    chat_id = chat_id_of(chat)
    found = await uow.participants.find_link(chat_id, WEB_ROLE, chat.child_id, None)
    if found is None:
        found = uow.participants.add(
            Participant(telegram_id=chat_id, role=WEB_ROLE, child_id=chat.child_id, created_at=now)
        )
        await uow.flush()
    return found


async def unlock(services: Services, code: str, pin: str) -> Opened:
    """Move the chat to this browser if `pin` is the child's; count a wrong one."""
    now = services.clock()
    async with services.uow() as uow:
        invitation = await uow.invitations.by_code(code)
        chat = await uow.web_chats.opened_by(invitation.id) if invitation else None
        if chat is None or chat.pin_hash is None:
            return Opened(Door.elsewhere)
        if chat.pin_failures >= MAX_PIN_TRIES:
            return Opened(Door.elsewhere)
        actor = actor_for(chat_id_of(chat))
        if not (PIN.match(pin) and _pin_matches(pin, chat.pin_hash)):
            chat.pin_failures += 1
            uow.audit.record(now, actor, "web_chat_pin_refused", chat.child_id)
            await uow.commit()
            tries_left = MAX_PIN_TRIES - chat.pin_failures
            return Opened(Door.pin_needed if tries_left else Door.elsewhere, tries_left=tries_left)
        token = new_token()
        uow.web_chats.bind(chat, token, now)
        chat.pin_failures = 0
        uow.audit.record(now, actor, "web_chat_moved", chat.child_id)
        await uow.commit()
        return Opened(Door.opened, token)


async def chat_in(services: Services, token: str | None) -> int | None:
    """The chat id of the web chat open in the browser holding `token`, if one is."""
    if not token:
        return None
    async with services.uow() as uow:
        chat = await uow.web_chats.by_token(token)
        if chat is None:
            return None
        chat.last_seen_at = services.clock()
        await uow.commit()
        return chat_id_of(chat)


async def choose_pin(services: Services, chat_id: int, pin: str) -> bool:
    """Set the PIN that moves this chat to another browser; False if it is not 4 digits."""
    if not PIN.match(pin):
        return False
    async with services.uow() as uow:
        chat = await uow.web_chats.get(-chat_id)
        if chat is None:
            return False
        chat.pin_hash = _pin_hash(pin, secrets.token_bytes(16))
        chat.pin_failures = 0
        uow.audit.record(services.clock(), actor_for(chat_id), "web_chat_pin_set", chat.child_id)
        await uow.commit()
        return True


async def has_pin(services: Services, chat_id: int) -> bool:
    async with services.uow() as uow:
        chat = await uow.web_chats.get(-chat_id)
        return chat is not None and chat.pin_hash is not None


async def close_for_new_invitation(uow: UnitOfWork, child_id: int, now: datetime) -> None:
    """End the child's web chat binding, link and PIN: a new invitation reopens it."""
    if await uow.web_chats.end_for_child(child_id):
        uow.audit.record(now, "invitation", "web_chat_closed", child_id)


@dataclass(frozen=True)
class Letter:
    """A message My Say left for the child (the IRO's note, a request seen), to show."""

    text: str
    purpose: str
    at: datetime


# How many of the messages left for a web chat it shows, newest last.
LETTERS_SHOWN = 20


async def letters_for(services: Services, chat_id: int) -> list[Letter]:
    """The messages left for this web chat (they reach it by being stored), audited as read."""
    async with services.uow() as uow:
        stored = await uow.outbox.to_chat(chat_id, LETTERS_SHOWN)
        letters = [Letter(uow.outbox.text(m), m.purpose, m.created_at) for m in stored]
        if letters:
            uow.audit.record(services.clock(), actor_for(chat_id), "web_letters_read")
            await uow.commit()
        return letters


async def note_from_meeting(services: Services, chat_id: int) -> str | None:
    """The IRO's note to the child after their latest meeting, audited as read; None if none."""
    async with services.uow() as uow:
        chat = await uow.web_chats.get(-chat_id)
        review = await uow.reviews.latest_held(chat.child_id) if chat else None
        note = uow.reviews.note_to_child(review) if review else None
        if note is not None and chat is not None:
            uow.audit.record(
                services.clock(), actor_for(chat_id), "meeting_note_read", chat.child_id
            )
            await uow.commit()
        return note


async def note_answers_read(services: Services, chat_id: int) -> None:
    """Write to the audit log that this web chat showed the child's sent answers."""
    async with services.uow() as uow:
        chat = await uow.web_chats.get(-chat_id)
        child_id = chat.child_id if chat else None
        uow.audit.record(services.clock(), actor_for(chat_id), "own_answers_read", child_id)
        await uow.commit()
