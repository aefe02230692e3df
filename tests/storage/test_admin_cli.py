"""The operator's command line: staff, children, reviews, CSV imports and invitations."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.crypto import new_key
from tests.support import mysay

CHILDREN_HEADER = "case_ref,birth_date,gender,ethnicity,legal_status,iro_username\n"
REVIEWS_HEADER = "case_ref,kind,due_date,held_on,iro_username,participation,seen_before\n"


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "MYSAY_DATABASE_URL": database_url,
        "MYSAY_DATA_DIR": str(tmp_path / "data"),
        "MYSAY_DATA_KEY": new_key(),
        "MYSAY_TELEGRAM_TOKEN": "",
        "MYSAY_BOT_USERNAME": "",
    }


def _ok(*args: str, env: dict[str, str]) -> str:
    result = mysay(*args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_staff_are_added_and_listed(env: dict[str, str]) -> None:
    _ok("staff", "add", "--username", "iro1", "--name", "Demo IRO", "--role", "iro", env=env)
    assert "iro1\tiro\tDemo IRO\tnot linked" in _ok("staff", "list", env=env)


def test_a_bad_role_and_a_bad_date_are_refused_before_anything_runs(env: dict[str, str]) -> None:
    bad_role = mysay("staff", "add", "--username", "x", "--name", "X", "--role", "boss", env=env)
    assert bad_role.exit_code == 2 and "--role" in bad_role.output
    bad_date = mysay("child", "add", "--case-ref", "C1", "--birth-date", "31/02/2014", env=env)
    assert bad_date.exit_code == 2 and "YYYY-MM-DD or DD/MM/YYYY" in bad_date.output


def test_every_command_has_help(env: dict[str, str]) -> None:
    for args in (
        [],
        ["db"],
        ["staff", "add"],
        ["child", "add"],
        ["review", "add"],
        ["import", "children"],
        ["import", "reviews"],
        ["invite"],
        ["keygen"],
    ):
        assert "Usage:" in _ok(*args, "--help", env=env)


def test_help_names_every_import_and_says_what_each_option_is(env: dict[str, str]) -> None:
    from bot.app.staff_admin import IMPORTERS

    def words(*args: str) -> str:
        return " ".join(_ok(*args, "--help", env=env).split())

    everything = words()
    assert "Import children, reviews, care episodes, plans, IRO allocations or challenges" in (
        everything
    )
    imports = words("import")
    assert "child protection plans" in imports and ":..." not in imports
    for name in IMPORTERS:
        assert f" {name} " in imports
    assert "IRO allocations: case_ref, iro_username, started_on, ended_on." in imports
    child_add = words("child", "add")
    for option in ("--gender TEXT The DfE", "--ethnicity TEXT The DfE", "--legal-status TEXT The"):
        assert option in child_add
    assert "--case-ref TEXT The child's case reference" in words("review", "add")
    assert "[default: json]" in words("report", "participation")


def test_dates_are_read_day_first_as_imports_read_them(env: dict[str, str]) -> None:
    _ok("child", "add", "--case-ref", "C1", "--birth-date", "05/03/2014", env=env)
    _ok(
        "review", "add", "--case-ref", "C1", "--kind", "cla_review", "--due", "01/04/2025", env=env
    )
    report = _ok("report", "participation", "--from", "01/04/2025", "--to", "2025-04-30", env=env)
    assert '"from": "2025-04-01"' in report


def test_piped_imports_print_their_result_with_no_progress_bar(
    env: dict[str, str], tmp_path: Path
) -> None:
    children = _write(tmp_path / "children.csv", CHILDREN_HEADER + "C001,2014-03-02,,,,\n")
    output = _ok("import", "children", str(children), env=env)
    assert "rows/s" not in output and "\r" not in output
    assert output == f"{children}: 1 created, 0 updated, 0 unchanged.\n"


def test_an_invitation_prints_a_code_and_how_to_form_the_link(env: dict[str, str]) -> None:
    _ok("staff", "add", "--username", "iro1", "--name", "Demo IRO", "--role", "iro", env=env)
    _ok("child", "add", "--case-ref", "C001", "--iro", "iro1", env=env)
    output = _ok("invite", "--case-ref", "C001", "--role", "child", env=env)
    code = output.split("Code: ", 1)[1].split()[0]
    assert 32 <= len(code) <= 64 and code.replace("-", "").replace("_", "").isalnum()
    assert f"https://t.me/<bot username>?start={code}" in output
    named = _ok("invite", "--staff", "iro1", env={**env, "MYSAY_BOT_USERNAME": "MySayDemoBot"})
    assert "Link: https://t.me/MySayDemoBot?start=" in named
    missing = mysay("invite", "--case-ref", "NOPE", "--role", "parent", env=env)
    assert missing.exit_code == 1 and "no child with case reference 'NOPE'" in missing.output


def test_an_invitation_for_nobody_or_for_two_is_refused_before_anything_runs(
    env: dict[str, str],
) -> None:
    refusals = {
        (): "give either --case-ref with --role, or --staff",
        ("--case-ref", "C001", "--role", "child", "--staff", "iro1"): "give either",
        ("--case-ref", "C001", "--role", "child", "--move"): "only a staff member's link",
    }
    for args, reason in refusals.items():
        refused = mysay("invite", *args, env=env)
        assert refused.exit_code == 2 and reason in refused.output, (args, refused.output)


def test_a_childs_invitation_also_prints_its_browser_link(env: dict[str, str]) -> None:
    _ok("staff", "add", "--username", "iro1", "--name", "Demo IRO", "--role", "iro", env=env)
    _ok("child", "add", "--case-ref", "C001", "--iro", "iro1", env=env)
    web = {**env, "MYSAY_WEB_URL": "https://mysay.example.org/", "MYSAY_BOT_USERNAME": "MySay"}
    output = _ok("invite", "--case-ref", "C001", "--role", "child", env=web)
    code = output.split("Code: ", 1)[1].split()[0]
    assert f"Link: https://t.me/MySay?start={code}" in output
    assert f"Browser link: https://mysay.example.org/c/{code}" in output
    parent = _ok("invite", "--case-ref", "C001", "--role", "parent", env=web)
    assert "Browser link" not in parent  # the browser door is the child's
    assert "set MYSAY_WEB_URL" in _ok("invite", "--case-ref", "C001", "--role", "child", env=env)


def test_importing_children_then_reviews_is_idempotent(
    env: dict[str, str], tmp_path: Path
) -> None:
    _ok("staff", "add", "--username", "iro1", "--name", "Demo IRO", "--role", "iro", env=env)
    children = _write(
        tmp_path / "children.csv",
        CHILDREN_HEADER
        + "C001,2014-03-02,female,White British,C2,iro1\n"
        + "C002,2019-07-15,male,,,iro1\n",
    )
    reviews = _write(
        tmp_path / "reviews.csv",
        REVIEWS_HEADER
        + "C001,cla_review,2026-05-01,2026-05-01,iro1,PN1,yes\n"
        + "C002,icpc,2026-06-01,,,,\n",
    )
    assert "2 created, 0 updated, 0 unchanged" in _ok("import", "children", str(children), env=env)
    assert "2 created, 0 updated, 0 unchanged" in _ok("import", "reviews", str(reviews), env=env)
    assert "0 created, 0 updated, 2 unchanged" in _ok("import", "children", str(children), env=env)
    assert "0 created, 0 updated, 2 unchanged" in _ok("import", "reviews", str(reviews), env=env)
    changed = _write(
        tmp_path / "reviews2.csv",
        REVIEWS_HEADER + "C002,icpc,2026-06-01,2026-06-03,iro1,PN6,no\n",
    )
    assert "0 created, 1 updated, 0 unchanged" in _ok("import", "reviews", str(changed), env=env)


def test_a_file_with_a_bad_row_writes_nothing_and_names_line_and_column(
    env: dict[str, str], tmp_path: Path
) -> None:
    children = _write(
        tmp_path / "children.csv",
        CHILDREN_HEADER + "C001,2014-03-02,,,,\nC002,2014-13-45,,,,\nC003,,,,,nobody\n",
    )
    result = mysay("import", "children", str(children), env=env)
    assert result.exit_code == 1
    assert "line 3, column birth_date: '2014-13-45' is not a date" in result.output
    assert "line 4, column iro_username: no such staff member 'nobody'" in result.output
    assert "nothing was imported" in result.output
    reviews = _write(
        tmp_path / "reviews.csv",
        REVIEWS_HEADER + "C001,cla_review,2026-05-01,,,PN9,maybe\n",
    )
    result = mysay("import", "reviews", str(reviews), env=env)
    assert "line 2, column case_ref: no such child" in result.output
    assert "line 2, column participation: 'PN9' is not a code PN0 to PN7" in result.output
    assert "line 2, column seen_before: 'maybe' is not yes or no" in result.output
    # Nothing from the first file went in: the good first row is not there either.
    good = _write(tmp_path / "good.csv", CHILDREN_HEADER + "C001,2014-03-02,,,,\n")
    assert "1 created" in _ok("import", "children", str(good), env=env)


def test_a_file_missing_a_column_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", "case_ref,birth_date\nC001,2014-03-02\n")
    result = mysay("import", "children", str(path), env=env)
    assert result.exit_code == 1
    assert "line 1, column gender: missing from the header" in result.output
    assert "found 'case_ref', 'birth_date'; expected case_ref,birth_date,gender" in result.output


def test_a_header_in_other_words_or_separators_says_what_it_found(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = _write(tmp_path / "c.csv", "Case Ref,Birth Date\nC001,2014-03-02\n")
    result = mysay("import", "children", str(path), env=env)
    assert result.exit_code == 1
    assert "line 1, column case_ref: missing from the header" in result.output
    assert "found 'Case Ref', 'Birth Date'; expected case_ref,birth_date," in result.output
    path = _write(tmp_path / "c.csv", "case_ref;birth_date\nC001;2014-03-02\n")
    result = mysay("import", "children", str(path), env=env)
    assert result.exit_code == 1
    assert "the file looks separated by semicolons ('case_ref;birth_date')" in result.output


def test_the_command_line_imports_what_the_workspace_imports() -> None:
    from bot.app.staff_admin import IMPORTERS
    from bot.cli.admin import import_

    assert set(import_.commands) == set(IMPORTERS)
