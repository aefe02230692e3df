"""Faults from Telegram and a killed process lose nothing a participant was told was saved."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.bootstrap import open_services
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from storage.models import Answer, ProcessedUpdate, Run
from tests.e2e.conftest import CHILD_ID, RunningBot, seed_case
from tests.e2e.driver import Person, join, labels
from tests.support import eventually, mysay


async def test_429_and_5xx_from_telegram_lose_no_message(bot: RunningBot) -> None:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await bot.emulator.fail_next("sendMessage", count=1, status=429, retry_after=1)
    await bot.emulator.fail_next("sendMessage", count=2, status=502)
    await child.type("/review")
    first = await child.question()
    assert "where you live" in first.text
    await bot.emulator.fail_next("editMessageText", count=1, status=500)
    await child.press("OK", first)
    typed = await child.question()  # the pressed question, turned into the next one
    assert typed.text.startswith("✓ 😐 OK") and "Type your answer" in typed.text
    await bot.emulator.fail_next("sendMessage", count=1, status=429, retry_after=1)
    await bot.emulator.drop_next("sendMessage", count=1)
    await child.type("it is fine")
    assert "school" in (await child.question()).text


LOG_NAME = "bot.log"
# Generous: a Python process importing the bot on a loaded 2-core machine.
STARTUP_DEADLINE = 120.0


def _bot_process(settings: Settings) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MYSAY_DATABASE_URL": settings.effective_database_url,
        "MYSAY_DATA_DIR": str(settings.data_dir),
        "MYSAY_DATA_KEY": settings.data_key,
        "MYSAY_TELEGRAM_TOKEN": settings.telegram_token,
        "MYSAY_TELEGRAM_API_URL": settings.telegram_api_url,
    }
    # The log goes to a file, never an unread pipe: a full pipe would block the bot.
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with (settings.data_dir / LOG_NAME).open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


@pytest.fixture
async def bot_process(
    bot_settings: Settings,
) -> AsyncIterator[Callable[[], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = _bot_process(bot_settings)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


async def _until_polling(emulator: BotApiEmulator, process: subprocess.Popen[bytes]) -> None:
    """Wait for a started bot's first poll: starting takes long on a busy machine."""
    before = emulator.state.calls[("get_updates", 200)]

    async def polled() -> bool:
        assert process.poll() is None, "the bot exited while starting"
        return emulator.state.calls[("get_updates", 200)] > before

    assert await eventually(polled, seconds=STARTUP_DEADLINE), "the bot never polled"


async def _counts(settings: Settings) -> tuple[int, int, str | None]:
    async with open_services(settings) as services, services.uow() as uow:
        answers = await uow.session.scalar(select(func.count(Answer.id)))
        updates = await uow.session.scalar(select(func.count(ProcessedUpdate.update_id)))
        step = await uow.session.scalar(select(Run.current_step))
        return int(answers or 0), int(updates or 0), step


async def test_a_killed_bot_resumes_at_the_same_step_with_every_answer_kept(
    emulator: BotApiEmulator,
    bot_settings: Settings,
    bot_process: Callable[[], subprocess.Popen[bytes]],
) -> None:
    async with open_services(bot_settings) as services:
        await seed_case(services)
        running = RunningBot(services, None, emulator)  # type: ignore[arg-type]
        code = await running.invite("C001", "child")
    child = Person(emulator, CHILD_ID)
    process = bot_process()
    await _until_polling(emulator, process)
    await join(child, code)
    await child.type("/review")
    await child.press("OK", await child.question())
    await child.question()
    await child.type("my room is nice")
    school = await child.question()
    assert "school" in school.text

    # Killed right after an acknowledged answer: it is kept.
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    answers, _, step = await _counts(bot_settings)
    assert (answers, step) == (2, "school_feel")

    # Killed as it starts, with a button press waiting: the press is handled after restart.
    await child.press("Happy", school)
    process = bot_process()
    await asyncio.sleep(0)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    await _until_polling(emulator, bot_process())
    await child.type("/review")
    resumed = await child.question()
    answers, _, step = await _counts(bot_settings)
    assert (answers, step) == (3, "school_more")
    assert "school" in resumed.text and "Type your answer" in resumed.text
    assert "Happy" not in " ".join(labels(resumed))


async def _logged_line_with(
    settings: Settings, process: subprocess.Popen[bytes], needle: str
) -> str:
    """The first line of the bot's log that contains `needle` (never a child's words)."""
    path = settings.data_dir / LOG_NAME

    async def found() -> bool:
        assert process.poll() is None, "the bot exited before logging it"
        return needle in path.read_text(encoding="utf-8")

    assert await eventually(found, seconds=STARTUP_DEADLINE), f"the bot never logged {needle!r}"
    return next(line for line in path.read_text(encoding="utf-8").splitlines() if needle in line)


async def test_mysay_run_logs_when_ready_and_stops_cleanly_on_sigterm(
    emulator: BotApiEmulator,
    bot_settings: Settings,
    bot_process: Callable[[], subprocess.Popen[bytes]],
) -> None:
    async with open_services(bot_settings) as services:
        await seed_case(services)
    process = bot_process()
    ready = await _logged_line_with(bot_settings, process, "ready")
    assert "polling as @" in ready and bot_settings.telegram_token not in ready
    process.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(process.wait, 20) == 0


def test_mysay_run_without_a_token_says_which_setting_is_missing(tmp_path: Path) -> None:
    result = mysay(
        "run", env={"MYSAY_TELEGRAM_TOKEN": "", "MYSAY_DATA_DIR": str(tmp_path / "data")}
    )
    assert result.exit_code == 1
    assert "MYSAY_TELEGRAM_TOKEN" in result.output and "Traceback" not in result.output


async def test_a_failing_update_is_logged_by_id_only_and_the_person_gets_an_apology(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.type("/review")
    await child.press("OK", await child.question())
    await child.question()
    # Telegram refuses the next message outright (400): the handler fails after the
    # answer was stored, and the error handler takes over.
    await bot.emulator.fail_next("sendMessage", count=1, status=400)
    await child.type("my secret words about home")
    sorry = await child.read_until("Sorry, something went wrong")
    assert "try again" in sorry.text
    failures = [r for r in caplog.records if r.name == "bot.telegram.application"]
    assert failures and "secret words" not in caplog.text  # tracebacks included
    assert any("update" in r.getMessage() and "failed" in r.getMessage() for r in failures)
    await child.type("/review")
    assert "school" in (await child.question()).text  # the answer was kept
