"""Even at DEBUG, the logs never carry a child's words, an invitation code or the token."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.telegram.runtime import CHATTY_LIBRARIES, QUIET_LIBRARIES, configure_logging
from tests.e2e.conftest import CHILD_ID, RunningBot
from tests.e2e.driver import join

MARKER = "zebracrossing42"
NAME = "Tallulah"


@pytest.fixture
def debug_logging() -> Iterator[None]:
    """Configure logging as `mysay run` would at DEBUG, and put every level back after."""
    names = ["", *QUIET_LIBRARIES, *CHATTY_LIBRARIES]
    levels = {name: logging.getLogger(name).level for name in names}
    configure_logging(logging.DEBUG)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


async def test_a_debug_log_holds_no_words_names_codes_or_token(
    bot: RunningBot, debug_logging: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    child = bot.person(CHILD_ID)
    code = await bot.invite("C001", "child")
    await join(child, code)
    await child.type("/review")
    await child.press("OK", await child.question())
    await child.question()
    await child.type(f"i like {MARKER} and my name is {NAME}")
    await child.question()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logging.getLogger("bot").isEnabledFor(logging.DEBUG)  # DEBUG really was on
    for secret in (MARKER, NAME, code, bot.services.settings.telegram_token):
        assert secret not in logged
    # Nor the database's statements and their values (case refs, Telegram ids).
    assert "SELECT " not in logged and "INSERT INTO" not in logged
