"""The control interface: drive the emulated users and inspect what the bot did.

`EmulatorController` is the in-process API (`BotApiEmulator` inherits it); the `/_emulator/...`
routes expose the same operations over HTTP for tests in another process, and
`bot.emulator.client.EmulatorClient` wraps those routes with the same method names.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.emulator import users
from bot.emulator.methods import scope_key
from bot.emulator.models import JSON, ApiError, CallbackAnswer, SentMessage
from bot.emulator.state import EmulatorState, Fault
from bot.emulator.surface import ControlSurface

PREFIX = "/_emulator"
FAULT_KINDS = ("fail", "delay", "drop")
ROUTES = web.RouteTableDef()  # each handler below declares its own route


class EmulatorController(ControlSurface):
    """The operations tests use on an `EmulatorState`, all async (see `EmulatorControl`)."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    async def send_text(self, user_id: int, text: str) -> int:
        """Inject a text (or /command) from a user; give the update_id."""
        return users.text_message(self.state, user_id, text)

    async def press_button(self, user_id: int, message_id: int, callback_data: str) -> int:
        """Inject a button press; the data is not checked, so stale or forged data works."""
        return users.callback_query(self.state, user_id, message_id, callback_data)

    async def send_media(self, user_id: int, kind: str, **options: Any) -> int:
        """Inject a sticker, photo, voice note, document or location (see `users.MEDIA_KINDS`)."""
        return users.media_message(self.state, user_id, kind, **options)

    async def edit_user_message(self, user_id: int, message_id: int, new_text: str) -> int:
        """Inject an edited_message for a text the user sent."""
        return users.edit_user_message(self.state, user_id, message_id, new_text)

    async def sent_messages(self, chat_id: int) -> list[SentMessage]:
        """Give the bot's messages to a chat in their current state, oldest first."""
        return self.state.transcript(chat_id)

    async def next_message(self, chat_id: int, seconds: float) -> SentMessage | None:
        """Hand out the chat's next send or edit not handed out yet, waiting up to `seconds`."""
        return await self.state.next_message(chat_id, seconds)

    async def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Give the commands registered for a scope (default scope when None)."""
        return list(self.state.commands.get((scope_key(scope), language_code), []))

    async def callback_answers(self) -> list[CallbackAnswer]:
        """Give every button press so far and how the bot answered it."""
        return [dataclasses.replace(a) for a in self.state.callbacks.values()]

    async def set_blocked(self, user_id: int, blocked: bool = True) -> None:
        """Make the user block (or unblock) the bot: sends then fail with 403."""
        self.state.chat(user_id).blocked = blocked

    async def plan_fault(self, method: str, fault: Fault, count: int) -> None:
        """Make the next `count` calls of a method ("*" for any) misbehave as `fault` says."""
        self.state.add_fault(method, fault, count)

    async def close(self) -> None:
        """Hold nothing to let go of: the state lives as long as its owner."""

    async def clear_faults(self) -> None:
        """Forget every planned fault."""
        self.state.faults.clear()


CONTROLLER = web.AppKey("controller", EmulatorController)


def add_control_routes(app: web.Application, controller: EmulatorController) -> None:
    """Mount the HTTP control interface under /_emulator."""
    app[CONTROLLER] = controller
    app.middlewares.append(_bad_control_requests)
    app.router.add_routes(ROUTES)


@web.middleware
async def _bad_control_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn a missing or malformed field in a control request into 400, not 500."""
    if not request.path.startswith(PREFIX):
        return await handler(request)
    try:
        return await handler(request)
    except (KeyError, ValueError, TypeError) as exc:
        return web.json_response({"error": f"bad request: {exc!r}"}, status=400)


async def _body(request: web.Request) -> JSON:
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return body


def _int(request: web.Request, name: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be an integer") from None


def _controller(request: web.Request) -> EmulatorController:
    return request.app[CONTROLLER]


def _update(update_id: int) -> web.Response:
    return web.json_response({"update_id": update_id})


@ROUTES.get(PREFIX + "/health")
async def health(request: web.Request) -> web.Response:
    """Say the emulator is up."""
    return web.json_response({"ok": True})


@ROUTES.post(PREFIX + "/users/{user_id}/messages")
async def user_sends_text(request: web.Request) -> web.Response:
    """Inject a text from a user."""
    body = await _body(request)
    return _update(await _controller(request).send_text(_int(request, "user_id"), body["text"]))


@ROUTES.post(PREFIX + "/users/{user_id}/callbacks")
async def user_presses_button(request: web.Request) -> web.Response:
    """Inject a button press."""
    body = await _body(request)
    controller = _controller(request)
    user_id = _int(request, "user_id")
    return _update(await controller.press_button(user_id, int(body["message_id"]), body["data"]))


@ROUTES.post(PREFIX + "/users/{user_id}/edits")
async def user_edits_message(request: web.Request) -> web.Response:
    """Inject an edit of a text the user sent."""
    body = await _body(request)
    controller, user_id = _controller(request), _int(request, "user_id")
    try:
        update_id = await controller.edit_user_message(
            user_id, int(body["message_id"]), body["text"]
        )
    except KeyError as exc:
        raise web.HTTPNotFound(text=str(exc)) from None
    return _update(update_id)


@ROUTES.post(PREFIX + "/users/{user_id}/media/{kind}")
async def user_sends_media(request: web.Request) -> web.Response:
    """Inject a sticker, photo, voice note, document or location."""
    options: dict[str, Any] = await _body(request)
    if "content_base64" in options:
        options["content"] = base64.b64decode(options.pop("content_base64"))
    kind = request.match_info["kind"]
    if kind not in users.MEDIA_KINDS:
        raise web.HTTPNotFound(text=f"unknown media kind {kind}")
    controller = _controller(request)
    return _update(await controller.send_media(_int(request, "user_id"), kind, **options))


@ROUTES.put(PREFIX + "/users/{user_id}/blocked")
async def user_blocks_bot(request: web.Request) -> web.Response:
    """Make a user block or unblock the bot."""
    body = await _body(request)
    await _controller(request).set_blocked(_int(request, "user_id"), bool(body.get("blocked")))
    return web.json_response({"ok": True})


@ROUTES.get(PREFIX + "/chats/{chat_id}/messages")
async def list_messages(request: web.Request) -> web.Response:
    """Give the bot's messages to a chat."""
    messages = await _controller(request).sent_messages(_int(request, "chat_id"))
    return web.json_response({"messages": [m.to_json() for m in messages]})


@ROUTES.post(PREFIX + "/chats/{chat_id}/next")
async def next_message(request: web.Request) -> web.Response:
    """Hand out the chat's next send or edit, waiting up to "timeout" seconds (408 if none)."""
    body = await _body(request)
    chat_id = _int(request, "chat_id")
    seconds = float(body.get("timeout", 5.0))
    message = await _controller(request).next_message(chat_id, seconds)
    if message is None:
        return web.json_response({"error": "timeout"}, status=408)
    return web.json_response({"message": message.to_json()})


@ROUTES.get(PREFIX + "/commands")
async def list_commands(request: web.Request) -> web.Response:
    """Give the commands registered for ?scope=<JSON>&language_code=."""
    scope = json.loads(request.query["scope"]) if request.query.get("scope") else None
    try:
        commands = await _controller(request).commands(
            scope, request.query.get("language_code", "")
        )
    except ApiError as exc:
        raise web.HTTPBadRequest(text=exc.description) from None
    return web.json_response({"commands": commands})


@ROUTES.get(PREFIX + "/callback-answers")
async def list_callback_answers(request: web.Request) -> web.Response:
    """Give every button press and how the bot answered it."""
    answers = await _controller(request).callback_answers()
    return web.json_response({"answers": [a.to_json() for a in answers]})


@ROUTES.post(PREFIX + "/faults")
async def add_fault(request: web.Request) -> web.Response:
    """Plan a fault: {"method", "kind": "fail"|"delay"|"drop", "count", "chat_id", ...}."""
    body = await _body(request)
    kind = body.get("kind", "fail")
    if kind not in FAULT_KINDS:
        raise web.HTTPBadRequest(text=f"unknown fault kind {kind}")
    fault = Fault(
        kind,
        status=int(body.get("status", 429)),
        retry_after=int(body.get("retry_after", 1)),
        seconds=float(body["seconds"]) if kind == "delay" else 0.0,
        chat_id=int(body["chat_id"]) if body.get("chat_id") is not None else None,
    )
    await _controller(request).plan_fault(body["method"], fault, int(body.get("count", 1)))
    return web.json_response({"ok": True})


@ROUTES.delete(PREFIX + "/faults")
async def clear_faults(request: web.Request) -> web.Response:
    """Forget every planned fault."""
    await _controller(request).clear_faults()
    return web.json_response({"ok": True})
