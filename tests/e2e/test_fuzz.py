"""5,000 mixed updates, well-formed and odd, through the emulator: none goes unhandled.

Messages, commands, long and strange text, edits, media, pressed and forged buttons,
group and channel posts, inline queries and chat-member changes, from linked people and
strangers, with a fixed seed. "Unhandled" means the error handler had to apologise, or
anything at all (python-telegram-bot, asyncio, the bot) logged an error.
"""

from __future__ import annotations

import logging
import random
from typing import Any

import pytest

from bot.emulator import users
from bot.emulator.models import CallbackAnswer
from bot.emulator.state import EmulatorState
from tests.e2e.conftest import CHILD_ID, IRO_ID, PARENT_ID, RunningBot
from tests.e2e.driver import join

UPDATES = 5_000
SEED = 20261202
STRANGERS = range(7000, 7040)
GROUP = {"id": -100777, "type": "group", "title": "Somewhere"}
CHANNEL = {"id": -100888, "type": "channel", "title": "News"}
COMMANDS = ["/start", "/help", "/review", "/feedback", "/checkin", "/cancel", "/myanswers"]
COMMANDS += ["/privacy", "/helpnow", "/flags", "/upcoming", "/views C001", "/invite C001 x"]
COMMANDS += ["/outcome C001", "/close 1 done", "/nonsense", "/start bad-code", "/views"]
WORDS = ["hello", "idk", "skip", "yes", "no", "1", "😀", "i am sad", "my dad hits me", "lol"]


def _person(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"U{user_id}"}


def _random_text(rng: random.Random) -> str:
    shape = rng.randrange(6)
    if shape == 0:
        return rng.choice(COMMANDS)
    if shape == 1:
        return "x" * rng.choice([1, 4095, 4096, 5000])
    if shape == 2:
        return "".join(chr(rng.randrange(32, 0x2FFFF)) for _ in range(rng.randrange(1, 40)))
    return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 12)))


def _push_one(state: EmulatorState, rng: random.Random, people: list[int]) -> None:
    who = rng.choice(people)
    kind = rng.randrange(10)
    if kind <= 3:
        users.text_message(state, who, _random_text(rng))
    elif kind == 4:
        users.media_message(state, who, rng.choice(users.MEDIA_KINDS))
    elif kind == 5:
        sent = [m for m in state.chat(who).sent.values() if m.buttons] or None
        message_id = rng.choice(sent).message_id if sent else rng.randrange(1, 50)
        data = rng.choice(
            [b[1] for m in (sent or []) for b in m.buttons]
            + ["r1|999|x|y", "f1|1|open", "f1|x|ack", "garbage", "", "🙂" * 20]
        )
        users.callback_query(state, who, message_id, data)
    elif kind == 6:
        message = {"message_id": rng.randrange(1, 99), "date": state.now(), "chat": GROUP}
        state.push_update("message", {**message, "from": _person(who), "text": "hi all"})
    elif kind == 7:
        post = {"message_id": rng.randrange(1, 99), "date": state.now(), "chat": CHANNEL}
        state.push_update("channel_post", {**post, "text": "announcement"})
    elif kind == 8:
        query = {"id": f"iq{rng.random()}", "from": _person(who), "query": "x", "offset": ""}
        state.push_update("inline_query", query)
    else:
        _push_odd(state, rng, who)


def _push_odd(state: EmulatorState, rng: random.Random, who: int) -> None:
    """An edit, a press from a group, or a chat-member change."""
    choice = rng.randrange(3)
    chat = {"id": who, "type": "private", "first_name": f"U{who}"}
    if choice == 0:
        state.chat_started(state.chat(who))  # only someone who wrote can edit
        edited = {"message_id": 1, "date": state.now(), "edit_date": state.now(), "chat": chat}
        state.push_update("edited_message", {**edited, "from": _person(who), "text": "edit"})
    elif choice == 1:
        query_id = f"gq{state.next_update_id}"
        state.callbacks[query_id] = CallbackAnswer(
            query_id, state.next_update_id, who, "f1|1|open"
        )
        message = {"message_id": 1, "date": state.now(), "chat": GROUP, "text": "fwd"}
        state.push_update(
            "callback_query",
            {"id": query_id, "from": _person(who), "message": message,
             "chat_instance": "g", "data": "f1|1|open"},
        )  # fmt: skip
    else:
        # Telegram's shapes: a block is "kicked" with an until_date, an unblock "member".
        member = {"user": _person(who), "status": "kicked", "until_date": 0}
        if rng.random() < 0.5:
            member = {"user": _person(who), "status": "member"}
        state.push_update(
            "my_chat_member",
            {"chat": chat, "from": _person(who), "date": state.now(),
             "old_chat_member": {**member, "status": "member"}, "new_chat_member": member},
        )  # fmt: skip


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_five_thousand_mixed_updates_leave_no_exception_unhandled(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    await join(bot.person(CHILD_ID), await bot.invite("C001", "child"))
    await join(bot.person(PARENT_ID), await bot.invite("C001", "parent"))
    await join(bot.person(IRO_ID), await bot.invite_staff("iro1"))
    rng = random.Random(SEED)
    people = [CHILD_ID, PARENT_ID, IRO_ID, *STRANGERS]
    state = bot.emulator.state
    first = state.next_update_id
    for _ in range(UPDATES):
        _push_one(state, rng, people)
    assert state.next_update_id - first == UPDATES
    # Updates are handled in order, one at a time: once this one is answered, all were.
    users.text_message(state, 6999, "/helpnow")
    reply = await bot.emulator.wait_for_message(6999, lambda m: "0800 1111" in m.text, 600.0)
    assert reply is not None
    errors = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
