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
from bot.emulator.models import JSON, ApiError, CallbackAnswer, MessagePredicate, SentMessage
from bot.emulator.state import EmulatorState, Fault

PREFIX = "/_emulator"


class EmulatorController:
    """The operations tests use on an `EmulatorState`, all async (see `EmulatorControl`)."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    async def send_text(self, user_id: int, text: str) -> int:
        """Inject a text (or /command) from a user; give the update_id."""
        return users.text_message(self.state, user_id, text)

    async def press_button(self, user_id: int, message_id: int, callback_data: str) -> int:
        """Inject a button press; the data is not checked, so stale or forged data works."""
        return users.callback_query(self.state, user_id, message_id, callback_data)

    async def send_sticker(self, user_id: int, emoji: str = "🙂") -> int:
        """Inject a sticker."""
        return users.media_message(self.state, user_id, "sticker", emoji=emoji)

    async def send_photo(self, user_id: int, caption: str | None = None) -> int:
        """Inject a photo (two sizes), optionally with a caption."""
        return users.media_message(self.state, user_id, "photo", caption=caption)

    async def send_voice(self, user_id: int, duration: int = 3) -> int:
        """Inject a voice note."""
        return users.media_message(self.state, user_id, "voice", duration=duration)

    async def send_document(
        self,
        user_id: int,
        file_name: str = "notes.txt",
        content: bytes = b"hello",
        mime_type: str = "text/plain",
    ) -> int:
        """Inject a document; its bytes can be downloaded through getFile."""
        return users.media_message(
            self.state,
            user_id,
            "document",
            file_name=file_name,
            content=content,
            mime_type=mime_type,
        )

    async def send_location(
        self, user_id: int, latitude: float = 51.5072, longitude: float = -0.1276
    ) -> int:
        """Inject a location."""
        return users.media_message(
            self.state, user_id, "location", latitude=latitude, longitude=longitude
        )

    async def edit_user_message(self, user_id: int, message_id: int, new_text: str) -> int:
        """Inject an edited_message for a text the user sent."""
        return users.edit_user_message(self.state, user_id, message_id, new_text)

    async def sent_messages(self, chat_id: int) -> list[SentMessage]:
        """Give the bot's messages to a chat in their current state, oldest first."""
        return self.state.transcript(chat_id)

    async def last_message(self, chat_id: int) -> SentMessage | None:
        """Give the bot's latest message to a chat, if any."""
        messages = self.state.transcript(chat_id)
        return messages[-1] if messages else None

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: MessagePredicate | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the brief's test API; a deadline, not a guard
    ) -> SentMessage:
        """Wait for the bot's next send or edit in a chat that matches; raise TimeoutError.

        Each send and each edit is handed out once, oldest first, so successive calls read the
        conversation in order; ones that do not match the predicate are passed over for good.
        """
        return await self.state.wait_for_message(chat_id, predicate, timeout)

    async def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Give the commands registered for a scope (default scope when None)."""
        return list(self.state.commands.get((scope_key(scope), language_code), []))

    async def callback_answers(self) -> list[CallbackAnswer]:
        """Give every button press so far and how the bot answered it."""
        return [dataclasses.replace(a) for a in self.state.callbacks.values()]

    async def set_blocked(self, user_id: int, blocked: bool = True) -> None:
        """Make the user block (or unblock) the bot: sends then fail with 403."""
        self.state.chat(user_id).blocked = blocked

    async def fail_next(
        self,
        method: str,
        count: int = 1,
        status: int = 429,
        retry_after: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next `count` calls of a method ("*" for any) fail with `status`.

        With `chat_id`, only calls to that chat fail (Telegram's 429s are often per chat).
        """
        fault = Fault("fail", status=status, retry_after=retry_after, chat_id=chat_id)
        self.state.add_fault(method, fault, count)

    async def delay(
        self, method: str, seconds: float, count: int = 1, chat_id: int | None = None
    ) -> None:
        """Make the next `count` calls of a method (to `chat_id` only, if given) answer late."""
        self.state.add_fault(method, Fault("delay", seconds=seconds, chat_id=chat_id), count)

    async def drop_next(self, method: str, count: int = 1) -> None:
        """Make the next `count` calls of a method lose their connection with no response."""
        self.state.add_fault(method, Fault("drop"), count)

    async def clear_faults(self) -> None:
        """Forget every planned fault."""
        self.state.faults.clear()


CONTROLLER = web.AppKey("controller", EmulatorController)


def add_control_routes(app: web.Application, controller: EmulatorController) -> None:
    """Mount the HTTP control interface under /_emulator."""
    app[CONTROLLER] = controller
    app.middlewares.append(_bad_control_requests)
    routes = [
        web.get(f"{PREFIX}/health", health),
        web.post(f"{PREFIX}/users/{{user_id}}/messages", user_sends_text),
        web.post(f"{PREFIX}/users/{{user_id}}/callbacks", user_presses_button),
        web.post(f"{PREFIX}/users/{{user_id}}/edits", user_edits_message),
        web.post(f"{PREFIX}/users/{{user_id}}/media/{{kind}}", user_sends_media),
        web.put(f"{PREFIX}/users/{{user_id}}/blocked", user_blocks_bot),
        web.get(f"{PREFIX}/chats/{{chat_id}}/messages", list_messages),
        web.post(f"{PREFIX}/chats/{{chat_id}}/next", next_message),
        web.get(f"{PREFIX}/commands", list_commands),
        web.get(f"{PREFIX}/callback-answers", list_callback_answers),
        web.post(f"{PREFIX}/faults", add_fault),
        web.delete(f"{PREFIX}/faults", clear_faults),
    ]
    app.router.add_routes(routes)


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


async def health(request: web.Request) -> web.Response:
    """Say the emulator is up."""
    return web.json_response({"ok": True})


async def user_sends_text(request: web.Request) -> web.Response:
    """Inject a text from a user."""
    body = await _body(request)
    return _update(await _controller(request).send_text(_int(request, "user_id"), body["text"]))


async def user_presses_button(request: web.Request) -> web.Response:
    """Inject a button press."""
    body = await _body(request)
    controller = _controller(request)
    user_id = _int(request, "user_id")
    return _update(await controller.press_button(user_id, int(body["message_id"]), body["data"]))


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


async def user_sends_media(request: web.Request) -> web.Response:
    """Inject a sticker, photo, voice note, document or location."""
    options: dict[str, Any] = await _body(request)
    if "content_base64" in options:
        options["content"] = base64.b64decode(options.pop("content_base64"))
    kind = request.match_info["kind"]
    if kind not in users.MEDIA_KINDS:
        raise web.HTTPNotFound(text=f"unknown media kind {kind}")
    state = _controller(request).state
    return _update(users.media_message(state, _int(request, "user_id"), kind, **options))


async def user_blocks_bot(request: web.Request) -> web.Response:
    """Make a user block or unblock the bot."""
    body = await _body(request)
    await _controller(request).set_blocked(_int(request, "user_id"), bool(body.get("blocked")))
    return web.json_response({"ok": True})


async def list_messages(request: web.Request) -> web.Response:
    """Give the bot's messages to a chat."""
    messages = await _controller(request).sent_messages(_int(request, "chat_id"))
    return web.json_response({"messages": [m.to_json() for m in messages]})


async def next_message(request: web.Request) -> web.Response:
    """Hand out the chat's next send or edit, waiting up to "timeout" seconds (408 if none)."""
    body = await _body(request)
    chat_id = _int(request, "chat_id")
    seconds = float(body.get("timeout", 5.0))
    message = await _controller(request).state.next_message(chat_id, seconds)
    if message is None:
        return web.json_response({"error": "timeout"}, status=408)
    return web.json_response({"message": message.to_json()})


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


async def list_callback_answers(request: web.Request) -> web.Response:
    """Give every button press and how the bot answered it."""
    answers = await _controller(request).callback_answers()
    return web.json_response({"answers": [a.to_json() for a in answers]})


async def add_fault(request: web.Request) -> web.Response:
    """Plan a fault: {"method", "kind": "fail"|"delay"|"drop", "count", "chat_id", ...}."""
    body = await _body(request)
    controller, method, count = _controller(request), body["method"], int(body.get("count", 1))
    kind = body.get("kind", "fail")
    chat_id = int(body["chat_id"]) if body.get("chat_id") is not None else None
    if kind == "fail":
        status, retry_after = int(body.get("status", 429)), int(body.get("retry_after", 1))
        await controller.fail_next(method, count, status, retry_after, chat_id)
    elif kind == "delay":
        await controller.delay(method, float(body["seconds"]), count, chat_id)
    elif kind == "drop":
        await controller.drop_next(method, count)
    else:
        raise web.HTTPBadRequest(text=f"unknown fault kind {kind}")
    return web.json_response({"ok": True})


async def clear_faults(request: web.Request) -> web.Response:
    """Forget every planned fault."""
    await _controller(request).clear_faults()
    return web.json_response({"ok": True})
