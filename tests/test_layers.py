"""The layers of DESIGN.md hold: imports point down only, and the engine has no I/O."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What each package may not import (directly or through a submodule).
FORBIDDEN = {
    "conversations": {"telegram", "sqlalchemy", "aiohttp", "storage", "bot", "feedback_reports"},
    "storage": {"telegram", "aiohttp", "bot", "conversations", "feedback_reports"},
    "feedback_reports": {"telegram", "aiohttp", "bot"},
}

# The application layer (bot/app) calls storage through the unit of work in bot/app/ports.py
# and never reaches up into an adapter or the composition root.
APP = ROOT / "bot" / "app"
APP_FORBIDDEN = (
    "telegram",
    "aiohttp",
    "sqlalchemy",
    "bot.telegram",
    "bot.cli",
    "bot.playground",
    "bot.emulator",
    "bot.bootstrap",
    "storage.uow",
    "storage.database",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            # `from bot import telegram` names a module too.
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def imported_roots(path: Path) -> set[str]:
    return {module.split(".")[0] for module in imported_modules(path)}


def forbidden_in_app(path: Path) -> list[str]:
    return sorted(
        module
        for module in imported_modules(path)
        if any(module == bad or module.startswith(bad + ".") for bad in APP_FORBIDDEN)
    )


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(package: str) -> None:
    offending = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {file: names for file, names in offending.items() if names} == {}


def test_the_check_would_catch_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import telegram\nfrom sqlalchemy.orm import Session\n", encoding="utf-8")
    assert imported_roots(module) == {"telegram", "sqlalchemy"}


def test_the_application_layer_imports_no_transport_sql_or_adapter() -> None:
    offending = {str(path.relative_to(ROOT)): forbidden_in_app(path) for path in APP.rglob("*.py")}
    assert {file: names for file, names in offending.items() if names} == {}


def test_the_app_check_would_catch_an_adapter_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text(
        "from bot.telegram.callbacks import parse\nfrom bot import bootstrap\n"
        "from storage.uow import UnitOfWork\nfrom storage.models import Run\n",
        encoding="utf-8",
    )
    assert set(forbidden_in_app(module)) >= {
        "bot.bootstrap",
        "bot.telegram.callbacks",
        "storage.uow",
    }
    assert not any(name.startswith("storage.models") for name in forbidden_in_app(module))


def test_loading_the_use_cases_loads_no_telegram_or_web_library() -> None:
    names = sorted(f"bot.app.{path.stem}" for path in APP.glob("*.py") if path.stem != "__init__")
    probe = (
        f"import importlib, sys\nfor name in {names!r}: importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'telegram', 'aiohttp'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


# Channels are adapters side by side: the web pages never reach into another channel.
WEB_FORBIDDEN = ("telegram", "bot.telegram", "bot.cli", "bot.playground", "bot.emulator")


def test_the_web_pages_import_no_other_channel() -> None:
    offending = {
        str(path.relative_to(ROOT)): sorted(
            module
            for module in imported_modules(path)
            if any(module == bad or module.startswith(bad + ".") for bad in WEB_FORBIDDEN)
        )
        for path in (ROOT / "bot" / "web").rglob("*.py")
    }
    assert {file: names for file, names in offending.items() if names} == {}


# Libraries only a report, a download or training needs: the running bot must start without
# them (matplotlib alone is about 35 MB and a second of start-up).
NOT_FOR_RUNNING = {"matplotlib", "openpyxl", "segno", "PIL", "sklearn", "alembic"}


@pytest.mark.parametrize(
    ("mode", "module", "also_not"),
    [
        # aiohttp's client carries the Bot API calls; its server (aiohttp.web) is checked
        # for in tests/bot/test_startup_imports.py.
        ("mysay run", "bot.telegram.runtime", {"jinja2"}),
        ("mysay serve", "bot.telegram.webhook", set()),
    ],
)
def test_running_the_bot_loads_no_report_or_training_library(
    mode: str, module: str, also_not: set[str]
) -> None:
    probe = f"import sys, {module}\nprint(sorted({{m.split('.')[0] for m in sys.modules}}))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    top_level = set(ast.literal_eval(loaded.stdout))
    assert "telegram" in top_level, "the probe must load the bot"
    assert top_level & (NOT_FOR_RUNNING | also_not) == set(), mode
