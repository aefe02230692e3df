"""A bare python-telegram-bot 22 echo bot: the floor `benchmarks.bot` measures My Say against.

It answers every typed message with one message carrying one button, and every button press
by answering the query and editing the pressed message: one message call per update, the
least a bot that shows a next step can do. No database, no rate limiter, default settings.

    python -m benchmarks.echo_bot --base-url http://127.0.0.1:PORT/bot --token T

Prints "echo bot ready" on standard output once it polls.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

AGAIN = InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data="again")]])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the words back, with a button to press."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text, reply_markup=AGAIN)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press and redraw the message it was on."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(f"Pressed (update {update.update_id})", reply_markup=AGAIN)


def echo_application(base_url: str, token: str) -> Application:
    """An application with the echo bot's two handlers, on default settings."""
    application = Application.builder().token(token).base_url(base_url).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(press))
    return application


async def poll_until_stopped(application: Application, name: str) -> None:
    """Poll until SIGTERM or SIGINT, saying "NAME ready" on standard output once polling."""
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=25, poll_interval=0)
        print(f"{name} ready", flush=True)
        await stop.wait()
        await application.updater.stop()
        await application.stop()


def bot_api_arguments(doc: str) -> argparse.Namespace:
    """The Bot API URL and token from the command line (a floor bot's only options)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    return parser.parse_args()


def main() -> None:
    """Read the Bot API URL and token, then run."""
    args = bot_api_arguments(__doc__)
    asyncio.run(poll_until_stopped(echo_application(args.base_url, args.token), "echo bot"))


if __name__ == "__main__":
    main()
