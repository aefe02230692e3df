"""An idle bot's log stays quiet: jobs log at INFO only when they did something."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.telegram.application import OUTBOX_SWEEP_SECONDS
from tests.e2e.conftest import StartBot, logging_as_run
from tests.support import eventually


async def _said(caplog: pytest.LogCaptureFixture, words: str) -> bool:
    return any(words in record.getMessage() for record in caplog.records)


@pytest.fixture
def info_logging() -> Iterator[None]:
    """Log as `mysay run` does."""
    with logging_as_run(logging.INFO):
        yield


async def test_sweeps_with_nothing_to_do_log_nothing(
    start_bot: StartBot, info_logging: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot = await start_bot()  # nobody to remind, nothing to send
    # Start-up says once that screening is loaded; what follows must be silent.
    assert await eventually(lambda: _said(caplog, "screening loaded"), seconds=60)
    caplog.clear()
    assert bot.application.job_queue is not None
    sweep = next(job for job in bot.application.job_queue.jobs() if job.name == "_sweep_outbox")
    first = sweep.next_t
    assert first is not None

    async def swept_twice() -> bool:
        now = sweep.next_t
        return now is not None and (now - first).total_seconds() >= 2 * OUTBOX_SWEEP_SECONDS

    assert await eventually(swept_twice, seconds=60)
    logged = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.INFO]
    assert logged == []
