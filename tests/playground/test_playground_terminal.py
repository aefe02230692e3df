"""`mysay try` in a real pseudo-terminal: a child gets ready for review, then the IRO looks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 30


def last_message(output: str) -> tuple[str, list[tuple[int, str]]]:
    """The text and numbered buttons of the last message printed before the prompt."""
    lines = output.replace("\r", "").splitlines()
    bars = [i for i, line in enumerate(lines) if "│" in line]
    if not bars:
        return "", []
    end = start = bars[-1]
    while start > 0 and "│" in lines[start - 1]:
        start -= 1
    text = "\n".join(line.split("│", 1)[1].strip() for line in lines[start : end + 1])
    buttons = [
        (int(found[1]), found[2].strip())
        for line in lines[end + 1 :]
        if (found := re.match(r"\s+\[(\d+)\] (.+)", line))
    ]
    return text, buttons


def number_of(buttons: list[tuple[int, str]], label: str) -> str | None:
    return next((str(number) for number, text in buttons if label in text), None)


def spawn_playground(tmp_path: Path) -> pexpect.spawn:
    """`mysay try` in a pseudo-terminal, on the playground data in `tmp_path`."""
    env = {
        **os.environ,
        "MYSAY_DATA_DIR": str(tmp_path / "data"),
        "MYSAY_DATABASE_URL": "",
        "MYSAY_DATA_KEY": "",
        # A free port for the staff workspace, so parallel runs never share one.
        "MYSAY_WEB_PORT": "0",
        "PYTHONPATH": str(REPO),
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "bot.cli.playground"],
        cwd=str(tmp_path),  # no stray .env from the repository
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(50, 200),
    )


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[pexpect.spawn]:
    child = spawn_playground(tmp_path)
    yield child
    if child.isalive():
        child.terminate(force=True)


def test_a_child_gets_ready_for_review_and_the_iro_sees_no_alert(
    playground: pexpect.spawn,
) -> None:
    playground.expect("/switch child\\|parent\\|iro")
    playground.expect("Welcome to My Say!")
    playground.expect("child> ")

    playground.sendline("/review")
    playground.expect("child> ")
    text, buttons = last_message(playground.before)
    assert "How do things feel where you live?" in text
    playground.sendline(number_of(buttons, "Happy"))
    playground.expect("✓ 🙂 Happy")
    playground.expect("child> ")
    text, buttons = last_message(playground.before)
    assert "Type your answer below" in text
    playground.sendline("I like my room")

    for _ in range(40):
        playground.expect("child> ")
        text, buttons = last_message(playground.before)
        if "Thank you" in text:
            break
        choice = (
            number_of(buttons, "Send")
            or number_of(buttons, "Skip")
            or number_of(buttons, "Done")
            or "1"
        )
        playground.sendline(choice)
    else:
        pytest.fail("the review never reached its thank-you message")

    playground.sendline("/switch iro")
    playground.expect("You are now the IRO")
    playground.expect("iro> ")
    assert "linked to your staff account" in playground.before
    assert "Safeguarding alert" not in playground.before

    playground.sendline("/quit")
    playground.expect("Bye!")
    playground.expect(pexpect.EOF)
    playground.close()
    assert playground.exitstatus == 0


def test_the_playground_prints_a_sign_in_link_for_the_demo_iro(
    playground: pexpect.spawn,
) -> None:
    playground.expect(r"(http://127\.0\.0\.1:\d+/staff/signin/[A-Za-z0-9_-]+)")
    link = playground.match.group(1)
    playground.expect("child> ")
    with urllib.request.urlopen(link, timeout=TIMEOUT) as response:
        page = response.read().decode()
    assert response.status == 200 and "Sign in" in page
    playground.sendline("/quit")
    playground.expect(pexpect.EOF)


def test_ctrl_c_stops_the_bot_and_the_emulator_cleanly(playground: pexpect.spawn) -> None:
    playground.expect("child> ")

    playground.sendintr()

    playground.expect("Bye!")
    playground.expect(pexpect.EOF)
    playground.close()
    assert playground.exitstatus == 0


def test_a_second_playground_session_answers_too(tmp_path: Path) -> None:
    first = spawn_playground(tmp_path)
    first.expect("child> ")
    first.sendline("/review")  # update ids the bot now remembers having handled
    first.expect("child> ")
    _, buttons = last_message(first.before)
    first.sendline(number_of(buttons, "Happy"))
    first.expect("child> ")
    first.sendline("/quit")
    first.expect(pexpect.EOF)
    first.close()

    second = spawn_playground(tmp_path)
    try:
        second.expect("child> ")
        second.sendline("/cancel")
        second.expect("child> ")
        _, buttons = last_message(second.before)
        second.sendline(number_of(buttons, "Yes, throw them away"))
        second.expect("child> ")
        second.sendline("/review")
        second.expect("child> ")
        text, _ = last_message(second.before)
        assert "How do things feel where you live?" in text
        second.sendline("/quit")
        second.expect(pexpect.EOF)
    finally:
        second.close(force=True)


def test_the_playground_prints_a_web_chat_link_for_a_child_without_telegram(
    playground: pexpect.spawn,
) -> None:
    playground.expect(r"(http://127\.0\.0\.1:\d+/c/[A-Za-z0-9_-]+)")
    link = playground.match.group(1)
    playground.expect("child> ")
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with browser.open(link, timeout=TIMEOUT) as response:
        page = response.read().decode()
        landed = response.geturl()
    # The link binds the chat to this browser and leads into it, Help now always showing.
    assert response.status == 200 and landed.rstrip("/").endswith("/c")
    assert "Childline" in page
    playground.sendline("/quit")
    playground.expect(pexpect.EOF)


def test_the_readme_shows_how_to_open_the_managers_pages_of_the_playground(
    playground: pexpect.spawn, tmp_path: Path
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    setting = "export MYSAY_DATABASE_URL=sqlite+aiosqlite:///data/playground.db"
    command = ".venv/bin/mysay web link --staff demo_manager"
    assert setting in readme and command in readme
    assert "](../" not in readme and "`../" not in readme  # nothing outside the repository
    playground.expect(r"http://127\.0\.0\.1:(\d+)/staff/signin/")
    port = playground.match.group(1)
    playground.expect("child> ")
    # The README's commands, typed in the playground's folder beside it.
    env = {
        **os.environ,
        "MYSAY_DATABASE_URL": setting.split("=", 1)[1],
        "MYSAY_DATA_KEY": "",
        "PYTHONPATH": str(REPO),
    }
    env.pop("MYSAY_DATA_DIR", None)
    found = subprocess.run(
        [sys.executable, "-m", "bot.cli", *command.split()[1:]],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=True,
    )  # fmt: skip
    # The link names the configured workspace port; the test's playground took a free one.
    link = re.sub(r":\d+/", f":{port}/", found.stdout.strip(), count=1)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with opener.open(link, timeout=TIMEOUT) as response:
        form = response.read().decode()
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    with opener.open(link, urllib.parse.urlencode(fields).encode(), timeout=TIMEOUT) as response:
        page = response.read().decode()
    assert "Participation report" in page and "Caseloads" in page
    playground.sendline("/quit")
    playground.expect(pexpect.EOF)
