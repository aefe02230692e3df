"""The polling bot imports what it runs and nothing else, so its memory stays near the floor.

Each module a running bot imports stays in its memory for good (issue 18: idle RSS of 80
MiB or less). The bot is started as `mysay run` starts it, in a process of its own, on the
default configuration (SQLite, English only), and the modules it holds once it is ready to
poll are checked against those that belong to other commands or come with first use.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from storage.crypto import new_key

ROOT = Path(__file__).resolve().parents[2]

# Builds the application exactly as `mysay run` does before it polls (the Bot API is not
# asked for anything), loads screening as the running bot does beside the event loop, then
# prints every module imported.
START = """
import asyncio, json, sys
from bot.cli import serving
from bot.bootstrap import build_core, open_services
from bot.settings import load_settings
from bot.telegram.application import build_application
from conversations.safeguarding import default_screener

async def start():
    async with open_services(load_settings()) as services:
        build_application(build_core(services))
        default_screener()

asyncio.run(start())
print(json.dumps(sorted(sys.modules)))
"""

# Modules, each with what it is for, that a polling bot must not import at start.
NOT_AT_START = {
    "alembic": "migrations: `mysay db upgrade`",
    "sqlalchemy.dialects.postgresql": "PostgreSQL, when the database is one",
    # aiohttp's client is the bot's HTTP client (bot/telegram/aiohttp_request.py); its
    # server is not.
    "aiohttp.web": "the webhook and the web pages: `mysay serve`, `mysay web`",
    "jinja2": "the web pages",
    "bot.web": "the web pages",
    "bot.playground": "`mysay try`",
    "bot.emulator": "`mysay try` and the tests",
    "bot.cli.report": "`mysay report`",
    "feedback_reports.participation": "the annual report, loaded when first asked for",
    "feedback_reports.record": "a child's record, loaded when first asked for",
    "babel": "languages other than English, loaded when first offered or used",
    "emoji": "naming emoji, loaded with the first message that may hold one",
    "conversations.safeguarding.training": "`mysay safeguarding train`",
    "numpy": "training",
    "sklearn": "training",
    "matplotlib": "the report's charts",
    "openpyxl": "the report's spreadsheet",
    "textblob": "the sentiment benchmark",
}


def _held(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(f"{prefix}.")


def test_the_polling_bot_starts_without_the_modules_of_other_commands(
    sqlite_template: Path, tmp_path: Path
) -> None:
    database = tmp_path / "mysay.db"
    shutil.copy(sqlite_template, database)
    env = {key: value for key, value in os.environ.items() if not key.startswith("MYSAY_")} | {
        "PYTHONPATH": str(ROOT),
        "MYSAY_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "MYSAY_DATA_DIR": str(tmp_path / "data"),
        "MYSAY_DATA_KEY": new_key(),
        "MYSAY_TELEGRAM_TOKEN": "123456:TEST",
    }
    started = subprocess.run(
        [sys.executable, "-c", START],
        cwd=tmp_path,  # no .env of the checkout's
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert started.returncode == 0, started.stderr
    modules: list[str] = json.loads(started.stdout.splitlines()[-1])
    assert "telegram.ext" in modules and "conversations.safeguarding.classifier" in modules
    assert "bot.telegram.aiohttp_request" in modules
    unwanted = {
        module: why
        for prefix, why in NOT_AT_START.items()
        for module in modules
        if _held(module, prefix)
    }
    assert not unwanted, unwanted
