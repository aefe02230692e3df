"""Webhook mode: the emulator posts updates to our aiohttp server, which hands them to the bot."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.app import admin
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from bot.telegram.webhook import SECRET_HEADER, serve_webhook
from storage.models import Answer
from tests.e2e.conftest import CHILD_ID
from tests.e2e.driver import Person
from tests.support import eventually, mysay
from tests.webhook.conftest import SECRET, WebhookBot, bound_socket, webhook_settings

REPO = Path(__file__).resolve().parents[2]
STRANGER = 4242


def _message_update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "Sam"}
    message = {
        "message_id": 1,
        "date": 1_800_000_000,
        "chat": {"id": user_id, "type": "private", "first_name": "Sam"},
        "from": user,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


async def _post(url: str, body: Any, headers: dict[str, str] | None = None) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers=headers or {}) as response,
    ):
        return response.status


async def test_starting_sets_the_webhook_with_its_url_secret_and_every_update_type(
    webhook_bot: WebhookBot,
) -> None:
    state = webhook_bot.emulator.state
    assert state.webhook == {"url": webhook_bot.url, "secret_token": SECRET}
    info = await webhook_bot.application.bot.get_webhook_info()
    assert info.url == webhook_bot.url
    newcomer_menu = await webhook_bot.emulator.commands({"type": "all_private_chats"})
    assert "helpnow" in [command["command"] for command in newcomer_menu]


async def _child_at_second_question(webhook_bot: WebhookBot) -> Person:
    """A child joins, starts /review and answers the first question, all by webhook."""
    services = webhook_bot.services
    async with services.uow() as uow:
        invitation = await admin.invite_participant(uow, services.clock(), 14, "C001", "child")
        await uow.commit()
    child = Person(webhook_bot.emulator, CHILD_ID)

    await child.type(f"/start {invitation.code}")
    assert "Welcome to My Say" in ((await child.read()).text or "")
    await child.type("/review")
    first = await child.question()
    assert "where you live" in (first.text or "")
    await child.press("Happy", first)
    second = await child.question()
    assert "anything you want to say about where you live" in (second.text or "")
    return child


async def test_a_child_joins_and_answers_with_updates_arriving_by_webhook(
    webhook_bot: WebhookBot,
) -> None:
    await _child_at_second_question(webhook_bot)

    assert webhook_bot.emulator.state.webhook_errors == {}

    async def all_delivered() -> bool:
        # The bot answers each POST once the update is handled, so the last 200 can trail
        # the reply it caused.
        return webhook_bot.emulator.state.updates == []

    assert await eventually(all_delivered)  # every update was delivered by POST


async def test_an_answer_whose_update_id_telegram_used_before_is_still_taken(
    webhook_bot: WebhookBot,
) -> None:
    """After a week without updates Telegram may number them afresh, reusing handled ids."""
    child = await _child_at_second_question(webhook_bot)
    webhook_bot.emulator.state.next_update_id = 1  # the id of the child's /start

    await child.type("my room is nice")

    third = await child.question()
    assert "school" in (third.text or "")
    async with webhook_bot.services.uow() as uow:
        answered = await uow.session.scalars(select(Answer.step_id).order_by(Answer.id))
        assert list(answered) == ["home_feel", "home_more"]


async def test_posts_without_the_right_secret_are_refused(webhook_bot: WebhookBot) -> None:
    update = _message_update(900, STRANGER, "/start")

    assert await _post(webhook_bot.url, update) == 403
    assert await _post(webhook_bot.url, update, {SECRET_HEADER: "not-the-secret"}) == 403
    assert await _post(webhook_bot.url, update, {SECRET_HEADER: SECRET[:-1]}) == 403


async def test_a_body_that_is_not_a_json_update_is_refused(
    webhook_bot: WebhookBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    headers = {SECRET_HEADER: SECRET}
    async with (
        aiohttp.ClientSession() as session,
        session.post(webhook_bot.url, data=b"{not json", headers=headers) as response,
    ):
        assert response.status == 400
    assert await _post(webhook_bot.url, [1, 2, 3], headers) == 400
    assert await _post(webhook_bot.url, {"message": {}}, headers) == 400
    # Authenticated but malformed inside: a date no clock can hold, a chat that is a string.
    huge_date = _message_update(77, CHILD_ID, "hello")
    huge_date["message"]["date"] = 10**30
    assert await _post(webhook_bot.url, huge_date, headers) == 400
    odd_chat = _message_update(78, CHILD_ID, "hello")
    odd_chat["message"]["chat"] = "not a chat"
    assert await _post(webhook_bot.url, odd_chat, headers) == 400
    # Logged by update id alone: the body may hold a child's words.
    logged = [record.getMessage() for record in caplog.records]
    assert any("update 77 refused" in line for line in logged)
    assert not any("hello" in line for line in logged)


async def test_a_posted_update_with_the_secret_is_answered_at_once_and_processed(
    webhook_bot: WebhookBot,
) -> None:
    emulator = webhook_bot.emulator
    # The stranger has pressed Start in Telegram, so the bot may write to them.
    emulator.state.chat_started(emulator.state.chat(STRANGER))

    status = await _post(
        webhook_bot.url, _message_update(900, STRANGER, "/start"), {SECRET_HEADER: SECRET}
    )

    assert status == 200
    reply = await emulator.wait_for_message(STRANGER, timeout=10)
    assert "you need an invitation link" in (reply.text or "")


async def test_the_webhook_server_serves_the_childrens_web_chat_at_c(
    webhook_bot: WebhookBot,
) -> None:
    chat_url = webhook_bot.url.replace("/telegram", "/c/")
    async with aiohttp.ClientSession() as session, session.get(chat_url) as response:
        # No chat is open in this browser: the page says to open the link from the IRO.
        assert response.status == 403
        assert "Open the link from your IRO again" in await response.text()
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]


async def test_health_is_ok_while_the_database_answers(
    webhook_bot: WebhookBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(webhook_bot.health_url) as response:
            assert response.status == 200
            assert await response.json() == {"status": "ok"}

        async def unreachable() -> str:
            raise ConnectionRefusedError("database down")

        monkeypatch.setattr(webhook_bot.services.database, "current_revision", unreachable)
        async with session.get(webhook_bot.health_url) as response:
            assert response.status == 503


async def test_serve_runs_until_stopped_and_never_logs_the_token_or_secret(
    settings: Settings, emulator: BotApiEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()  # serve_webhook binds it again; nothing else is racing for it in a test
    serve_settings = webhook_settings(settings, emulator, port).model_copy(
        update={"listen_host": "127.0.0.1", "listen_port": port}
    )
    stop = asyncio.Event()
    # The level `configure_logging` sets (PTB's DEBUG lines carry request parameters).
    caplog.set_level(logging.INFO)

    serving = asyncio.create_task(serve_webhook(serve_settings, stopped=stop.wait))
    ready = "My Say is ready"

    async def started() -> bool:
        return ready in caplog.text or serving.done()

    assert await eventually(started)
    assert ready in caplog.text, caplog.text
    health = serve_settings.webhook_url.replace("/telegram", "/health")
    async with aiohttp.ClientSession() as session, session.get(health) as response:
        assert response.status == 200
    stop.set()
    await asyncio.wait_for(serving, 10)

    assert emulator.state.webhook["url"] == serve_settings.webhook_url
    assert [r.message for r in caplog.records if r.message.startswith(ready)] == [
        f"{ready}: @mysay_test_bot listening on 127.0.0.1:{port} for /telegram"
    ]
    # httpx's request lines carry the token; `configure_logging` silences them below WARNING.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "httpx")
    assert SECRET not in logged
    assert emulator.token not in logged


@pytest.mark.parametrize(
    ("missing", "env"),
    [
        ("MYSAY_WEBHOOK_URL", {"MYSAY_WEBHOOK_URL": "", "MYSAY_WEBHOOK_SECRET": SECRET}),
        (
            "MYSAY_WEBHOOK_SECRET",
            {"MYSAY_WEBHOOK_URL": "https://example.org/telegram", "MYSAY_WEBHOOK_SECRET": ""},
        ),
    ],
)
def test_serve_without_a_webhook_setting_says_which_one_in_one_line(
    missing: str, env: dict[str, str]
) -> None:
    result = mysay("serve", env={"MYSAY_TELEGRAM_TOKEN": "123456:TEST", **env})

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert result.output.startswith(f"error: setting {missing} is missing")


def test_a_malformed_webhook_secret_is_refused_naming_the_setting() -> None:
    env = {
        "MYSAY_TELEGRAM_TOKEN": "123456:TEST",
        "MYSAY_WEBHOOK_URL": "https://example.org/telegram",
        "MYSAY_WEBHOOK_SECRET": "has spaces!",
    }
    result = mysay("serve", env=env)

    assert result.exit_code == 1
    assert "MYSAY_WEBHOOK_SECRET is invalid" in result.output


async def test_mysay_serve_says_when_ready_and_stops_cleanly_on_sigterm(
    settings: Settings, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()
    serve_settings = webhook_settings(settings, emulator, port)
    env = {
        **os.environ,
        "MYSAY_DATA_DIR": str(settings.data_dir),
        "MYSAY_DATABASE_URL": settings.database_url,
        "MYSAY_DATA_KEY": settings.data_key,
        "MYSAY_TELEGRAM_TOKEN": emulator.token,
        "MYSAY_TELEGRAM_API_URL": emulator.base_url,
        "MYSAY_WEBHOOK_URL": serve_settings.webhook_url,
        "MYSAY_WEBHOOK_SECRET": SECRET,
        "MYSAY_LISTEN_PORT": str(port),
        "PYTHONPATH": str(REPO),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path, env=env, stderr=subprocess.PIPE
    )
    try:
        # On a timeout, the kill below ends the reading thread too.
        ready = await asyncio.wait_for(
            asyncio.to_thread(_line_with, process, "My Say is ready"), 30
        )
        assert f"listening on 127.0.0.1:{port} for /telegram" in ready
        assert emulator.state.webhook == {
            "url": serve_settings.webhook_url,
            "secret_token": SECRET,
        }

        process.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(process.wait, 20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert process.stderr is not None
    rest = process.stderr.read().decode()
    assert "My Say is stopping" in rest
    assert SECRET not in ready + rest and emulator.token not in ready + rest


def _line_with(process: subprocess.Popen[bytes], needle: str) -> str:
    """The first log line that contains `needle`, or an error once the process has ended."""
    assert process.stderr is not None
    for raw in process.stderr:
        if needle in (line := raw.decode()):
            return line
    raise AssertionError(f"`mysay serve` ended without logging {needle!r}")
