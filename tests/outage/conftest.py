"""Fixtures for the outage tests: the running bot, polling (tests/e2e) or behind its webhook."""

from __future__ import annotations

# Re-exported so the outage test can start the bot as the end-to-end tests do.
from tests.e2e.conftest import bot_settings, clock, emulator, start_bot  # noqa: F401
from tests.webhook.conftest import webhook_bot  # noqa: F401
