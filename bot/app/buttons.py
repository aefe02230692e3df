"""What a pressed button claims, whatever channel carried it; the use cases check the claim.

Each channel encodes these its own way (Telegram: `bot/telegram/callbacks.py`), and a claim
is never trusted: the use cases check it against the database before anything changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations.events import Input


@dataclass(frozen=True)
class RunButton:
    """A button on a question or a summary: which run, which step, which input."""

    run_id: int
    step_id: str | None
    action: Input


@dataclass(frozen=True)
class FlagButton:
    flag_id: int
    verb: str


@dataclass(frozen=True)
class LanguageButton:
    """A language in the chooser; the use case checks the service offers it."""

    locale: str


@dataclass(frozen=True)
class RequestButton:
    """'Done' under a child's request in /requests."""

    request_id: int
