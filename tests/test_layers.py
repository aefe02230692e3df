"""The layers of DESIGN.md hold: imports point down only, and the engine has no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What each package may not import (directly or through a submodule).
FORBIDDEN = {
    "conversations": {"telegram", "sqlalchemy", "aiohttp", "storage", "bot", "feedback_reports"},
    "storage": {"telegram", "aiohttp", "bot", "conversations", "feedback_reports"},
    "feedback_reports": {"telegram", "aiohttp", "bot"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


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
