"""The web chat's pages: thin handlers over `bot.app` that turn forms into use-case calls.

Every answer is a plain form post that works without JavaScript: the response is the chat
page itself, with what My Say said in answer, so a reload only sends the same input id again
(recorded once, like a resent Telegram update) and shows the page. Nothing of the child's
words goes in a URL or the page title, and no page is stored by the browser (no-store).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from aiohttp import web

from bot.app import texts, web_chat
from bot.app.conversation import Purpose
from bot.app.languages import choose_language, offered, reader
from bot.app.ports import UpdateKey
from bot.app.replies import Notice, Outcome
from bot.app.web_chat import Door, Opened
from bot.web.chat.chat_view import chat_page
from bot.web.chat.forms import button_value, claim_from, step_value
from bot.web.chat.keys import CHAT_CORE, LIMITS, NUDGE
from bot.web.common.cookies import read_cookie, set_cookie
from bot.web.common.templates import render
from conversations.catalogue import DEFAULT_LOCALE
from conversations.events import Rejected, Submitted, Text
from conversations.languages import direction
from conversations.safeguarding import Level

# The cookie holding the token of the chat open in this browser.
BINDING_COOKIE = "chat"
# A child comes back over weeks; a new invitation ends the binding sooner.
BINDING_DAYS = 180
# Words refused for what the door says, by `Door` (the catalogue's keys).
DOOR_KEYS = {
    Door.unknown: "invitation.unknown",
    Door.expired: "invitation.expired",
    Door.used: "invitation.used",
    Door.elsewhere: "web.door_elsewhere",
    Door.not_for_browser: "web.door_not_for_browser",
}
DOOR_STATUS = {Door.unknown: 404, Door.expired: 410}


def _words(locale: str) -> Callable[..., str]:
    """The templates' `t(key, **values)`: the catalogue's words in `locale`."""

    def t(key: str, **values: object) -> str:
        return texts.catalogue().text(key, locale, **values)

    return t


def _page(
    request: web.Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    locale: str = DEFAULT_LOCALE,
) -> web.Response:
    """Render a chat page with what every one of them shows (help now, quick exit)."""
    settings = request.config_dict[CHAT_CORE].services.settings
    common = {
        "t": _words(locale),
        "locale": locale,
        "direction": direction(locale),
        "languages": offered(settings.languages, locale),
        "language_input_id": web_chat.new_input_id(),
        "url": lambda name, **parts: str(request.app.router[name].url_for(**parts)),
        "exit_url": settings.quick_exit_url,
        "local_phone": settings.out_of_hours_phone,
        "chat_open": False,
    }
    return render(request, template, {**common, **context}, status=status)


def _refused(request: web.Request, door: Door) -> web.Response:
    words = texts.message(DOOR_KEYS.get(door, "web.door_closed"))
    context = {"pin_form": False, "words": words}
    return _page(request, "door.html.j2", context, status=DOOR_STATUS.get(door, 403))


def _too_fast(request: web.Request) -> web.Response:
    words = texts.message("web.too_fast")
    return _page(request, "door.html.j2", {"pin_form": False, "words": words}, status=429)


def _into_chat(request: web.Request, opened: Opened) -> NoReturn:
    """Go to the chat, with this browser's new token in its cookie if it was just bound."""
    response = web.HTTPSeeOther(request.app.router["chat"].url_for())
    if opened.token is not None:
        max_age = BINDING_DAYS * 24 * 3600
        set_cookie(request, response, BINDING_COOKIE, opened.token, max_age=max_age, lax=True)
    raise response


def _pin_form(
    request: web.Request, code: str, tries_left: int, *, wrong: bool = False
) -> web.Response:
    action = request.app.router["unlock"].url_for(code=code)
    context = {"pin_form": True, "pin_action": str(action), "tries_left": tries_left}
    return _page(
        request, "door.html.j2", {**context, "wrong": wrong}, status=403 if wrong else 200
    )


def _remote(request: web.Request) -> str:
    return request.remote or "unknown"


async def open_link(request: web.Request) -> web.StreamResponse:
    """Open the chat from an invitation link: bind it here, or ask for the PIN."""
    if not request.config_dict[LIMITS].links.allow(_remote(request)):
        return _too_fast(request)
    code = request.match_info["code"]
    services = request.config_dict[CHAT_CORE].services
    opened = await web_chat.open_link(services, code, read_cookie(request, BINDING_COOKIE))
    if opened.door in (Door.opened, Door.reopened):
        _into_chat(request, opened)
    if opened.door is Door.pin_needed:
        return _pin_form(request, code, opened.tries_left)
    return _refused(request, opened.door)


async def unlock(request: web.Request) -> web.StreamResponse:
    """Move the chat to this browser with the child's PIN; a wrong one counts."""
    code = request.match_info["code"]
    if not request.config_dict[LIMITS].links.allow(_remote(request)):
        return _too_fast(request)
    form = await request.post()
    pin = str(form.get("pin", ""))[:8]
    opened = await web_chat.unlock(request.config_dict[CHAT_CORE].services, code, pin)
    if opened.door is Door.opened:
        _into_chat(request, opened)
    if opened.door is Door.pin_needed:
        return _pin_form(request, code, opened.tries_left, wrong=True)
    return _refused(request, opened.door)


async def _chat_in(request: web.Request) -> int | None:
    """The chat open in this browser, if one is."""
    services = request.config_dict[CHAT_CORE].services
    return await web_chat.chat_in(services, read_cookie(request, BINDING_COOKIE))


def _closed(request: web.Request) -> web.Response:
    words = texts.message("web.door_closed")
    return _page(request, "door.html.j2", {"pin_form": False, "words": words}, status=403)


OpenChatPage = Callable[[web.Request, int], Awaitable[web.Response]]


def _in_open_chat(page: OpenChatPage) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Serve `page` for the chat open in this browser, or the closed door where none is."""

    @functools.wraps(page)
    async def handler(request: web.Request) -> web.Response:
        chat_id = await _chat_in(request)
        if chat_id is None:
            return _closed(request)
        return await page(request, chat_id)

    return handler


async def _chat(
    request: web.Request,
    chat_id: int,
    last: Outcome | None = None,
    *,
    status: int = 200,
    kept: str = "",
) -> web.Response:
    """The chat page: the conversation so far, what was just said, the question waiting
    (with `kept`, typed words not taken, back in its box)."""
    core = request.config_dict[CHAT_CORE]
    position = await core.conversations.position(chat_id)
    locale = await _locale(request, chat_id)
    context = {
        "page": chat_page(position, last),
        "run_id": position.outcome.run_id,
        "run_open": position.outcome.run_id is not None,
        "input_id": web_chat.new_input_id(),
        "button_value": button_value,
        "step_value": step_value,
        "chat_open": True,
        "kept": kept,
    }
    return _page(request, "chat.html.j2", context, status=status, locale=locale)


async def _locale(request: web.Request, chat_id: int) -> str:
    """The language the child chose (English until they choose)."""
    return (await reader(request.config_dict[CHAT_CORE].services, chat_id)).locale


@_in_open_chat
async def show_chat(request: web.Request, chat_id: int) -> web.Response:
    """Show the chat where it is: a child who closed the tab comes back to the same step."""
    return await _chat(request, chat_id)


def _input_id(form: Mapping[str, Any]) -> int | None:
    """The posted input id: negative (Telegram's update ids are positive), else None."""
    value = str(form.get("n", ""))
    if not value.startswith("-") or not value[1:].isdigit() or len(value) > 20:
        return None
    return int(value)


@dataclass(frozen=True)
class Posted:
    """A form posted into an open chat: the input's key and the form's fields."""

    key: UpdateKey
    form: dict[str, str]


async def _posted(request: web.Request, chat_id: int) -> Posted | web.Response:
    """The input's key and the fields of a post into this chat, or the page refusing it."""
    if not request.config_dict[LIMITS].posts.allow(str(chat_id)):
        return _too_fast(request)
    form = {key: str(value) for key, value in (await request.post()).items()}
    input_id = _input_id(form)
    if input_id is None:
        raise web.HTTPBadRequest(text="This form is not one of ours.")
    # A form carries its own random id where Telegram sends an update id.
    return Posted(UpdateKey(input_id, chat_id), form)


def _posted_into_open_chat(
    page: Callable[[web.Request, int, Posted], Awaitable[web.Response]],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Serve `page` for a form posted into the chat open in this browser, or the page
    refusing it (the closed door, or too many posts too fast)."""

    @functools.wraps(page)
    async def in_chat(request: web.Request, chat_id: int) -> web.Response:
        posted = await _posted(request, chat_id)
        if isinstance(posted, web.Response):
            return posted
        # A child's input, as a Telegram update is: background work gives way to it.
        async with request.config_dict[CHAT_CORE].services.lanes.interactive():
            return await page(request, chat_id, posted)

    return _in_open_chat(in_chat)


async def _after(request: web.Request, outcome: Outcome) -> None:
    """Deliver at once what the input queued (an alert, a request), where this process can."""
    nudge = request.config_dict.get(NUDGE)
    flagged = outcome.screening is not None and outcome.screening.level is not Level.NONE
    sent = any(isinstance(event, Submitted) for event in outcome.events)
    if nudge is not None and (flagged or sent):
        await nudge()


def _not_taken(outcome: Outcome) -> bool:
    """Typed words were refused: by the run (too long, say), or as a command."""
    refused = any(isinstance(event, Rejected) for event in outcome.events)
    return refused or Notice.unknown_command in outcome.notices


@_posted_into_open_chat
async def answer(request: web.Request, chat_id: int, posted: Posted) -> web.Response:
    """Give a pressed button or typed words to the open run, then show the chat; words it
    does not take are put back in the box, whole, beside the reason."""
    conversations = request.config_dict[CHAT_CORE].conversations
    key, form = posted.key, posted.form
    kept = ""
    if "text" in form:
        words = form["text"].strip()
        if not words:
            empty = texts.message("web.empty_answer", await _locale(request, chat_id))
            return await _chat(request, chat_id, Outcome(lines=(empty,)))
        # Whole, however long: the run's own limit (the flow's text_limit, as in Telegram)
        # refuses what is too long, after screening has read every word.
        outcome = await conversations.act(chat_id, key, Text(words))
        kept = words if _not_taken(outcome) else ""
    else:
        claim = claim_from(form)
        if claim is None:
            raise web.HTTPBadRequest(text="This button is not one of ours.")
        outcome = await conversations.act(chat_id, key, claim.action, claim)
    await _after(request, outcome)
    return await _chat(request, chat_id, outcome, kept=kept)


@_posted_into_open_chat
async def start(request: web.Request, chat_id: int, posted: Posted) -> web.Response:
    """Start (or resume) getting ready, saying how the meeting went, or a check-in."""
    try:
        purpose = Purpose(posted.form.get("purpose", ""))
    except ValueError:
        raise web.HTTPBadRequest(text="There is no such thing to start.") from None
    conversations = request.config_dict[CHAT_CORE].conversations
    outcome = await conversations.begin(chat_id, posted.key, purpose)
    return await _chat(request, chat_id, outcome)


@_posted_into_open_chat
async def choose(request: web.Request, chat_id: int, posted: Posted) -> web.Response:
    """Keep the language the child chose, and show the chat (its question too) in it."""
    core = request.config_dict[CHAT_CORE]
    locale = posted.form.get("locale", "")[:8]
    flows = core.conversations.flows
    outcome = await choose_language(core.services, flows, chat_id, posted.key, locale)
    return await _chat(request, chat_id, outcome)


@_in_open_chat
async def my_answers(request: web.Request, chat_id: int) -> web.Response:
    """List what the child sent, and who can see it (the read is audited)."""
    core = request.config_dict[CHAT_CORE]
    sent = await core.conversations.sent_runs(chat_id)
    await web_chat.note_answers_read(core.services, chat_id)
    context = {"sent": sent, "who_can_see": texts.who_can_see, "chat_open": True}
    return _page(request, "sent.html.j2", context, locale=await _locale(request, chat_id))


@_in_open_chat
async def meeting_note(request: web.Request, chat_id: int) -> web.Response:
    """Show the IRO's note after the meeting, and other messages left for the child."""
    services = request.config_dict[CHAT_CORE].services
    note = await web_chat.note_from_meeting(services, chat_id)
    letters = await web_chat.letters_for(services, chat_id)
    context = {"note": note, "letters": letters, "chat_open": True}
    return _page(request, "note.html.j2", context, locale=await _locale(request, chat_id))


@_in_open_chat
async def pin(request: web.Request, chat_id: int) -> web.Response:
    """Show, or save, the PIN that lets the child carry on in another browser."""
    services = request.config_dict[CHAT_CORE].services
    saved = bad = False
    if request.method == "POST":
        if not request.config_dict[LIMITS].posts.allow(str(chat_id)):
            return _too_fast(request)
        chosen = str((await request.post()).get("pin", ""))[:8]
        saved = await web_chat.choose_pin(services, chat_id, chosen)
        bad = not saved
    context = {
        "saved": saved,
        "bad": bad,
        "has_pin": await web_chat.has_pin(services, chat_id),
        "chat_open": True,
    }
    locale = await _locale(request, chat_id)
    return _page(request, "pin.html.j2", context, status=400 if bad else 200, locale=locale)
