"""Even at DEBUG, the logs never carry a child's words, an invitation code or the token."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import CHILD_ID, RunningBot, logging_as_run
from tests.e2e.driver import join

MARKER = "zebracrossing42"
NAME = "Tallulah"


@pytest.fixture
def debug_logging() -> Iterator[None]:
    """Log as `mysay run` would at DEBUG."""
    with logging_as_run(logging.DEBUG):
        yield


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
