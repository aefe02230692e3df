"""A local Telegram Bot API emulator: the test double for end-to-end tests and a playground.

    async with BotApiEmulator() as emu:
        app = ApplicationBuilder().token(emu.token).base_url(emu.base_url)
              .base_file_url(emu.base_file_url).build()
        await emu.send_text(42, "/start")
        reply = await emu.wait_for_message(42)

`EmulatorClient` offers the same control methods over HTTP; `python -m bot.emulator` runs one
standalone. It is transport only: it knows nothing of conversations or storage.
"""

from bot.emulator.client import EmulatorClient, EmulatorError
from bot.emulator.control import EmulatorController
from bot.emulator.models import (
    ApiError,
    CallbackAnswer,
    EmulatorControl,
    MessagePredicate,
    SentDocument,
    SentMessage,
)
from bot.emulator.server import BotApiEmulator, create_app
from bot.emulator.state import DEFAULT_TOKEN, EmulatorState

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "BotApiEmulator",
    "CallbackAnswer",
    "EmulatorClient",
    "EmulatorControl",
    "EmulatorController",
    "EmulatorError",
    "EmulatorState",
    "MessagePredicate",
    "SentDocument",
    "SentMessage",
    "create_app",
]
