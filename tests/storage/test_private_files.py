"""What My Say writes to disk is readable by its owner alone."""

from __future__ import annotations

import stat
from pathlib import Path

from click.testing import CliRunner

from bot.cli.report import report
from bot.settings import Settings
from storage.crypto import new_key
from tests.reports.helpers import cli_env
from tests.support import mysay


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_folder_and_database_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = Settings(data_dir=data, _env_file=None)  # type: ignore[call-arg]
    env = cli_env(settings, tmp_path)
    assert mysay("db", "upgrade", env=env).exit_code == 0
    assert mysay("staff", "list", env=env).exit_code == 0  # opens the services, key and all
    assert _mode(data) == 0o700
    assert _mode(data / "mysay.db") == 0o600
    assert all(_mode(path) == 0o600 for path in data.iterdir() if path.is_file())


def test_a_report_written_to_a_file_is_private(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        data_key=new_key(),
        _env_file=None,  # type: ignore[call-arg]
    )
    env = cli_env(settings, tmp_path)
    assert mysay("db", "upgrade", env=env).exit_code == 0
    out = tmp_path / "report.csv"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    args = ["participation", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv"]
    result = CliRunner().invoke(report, [*args, "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert _mode(out) == 0o600 and out.read_text(encoding="utf-8").startswith("measure,value")
