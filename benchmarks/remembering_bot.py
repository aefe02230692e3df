"""The echo bot that remembers: the floor of a bot on My Say's required stack.

`benchmarks/echo_bot.py` answers and forgets. A bot that guides a child through a flow must
also read where the chat stands and write what it said, durably, before it answers. This
one does the least of that on the stack My Say is required to use: settings read with
pydantic-settings; for every update, one transaction through SQLAlchemy's async ORM on My
Say's own SQLite engine (same driver and pragmas) that reads the chat's row and writes it
back with the update's words encrypted by My Say's cipher; then the echo bot's answer.
Nothing else: no flows, screening, rate limiter or outbox.

    MYSAY_FLOOR_DATABASE=/tmp/floor.db MYSAY_FLOOR_DATA_KEY=KEY \
        python -m benchmarks.remembering_bot --base-url http://127.0.0.1:PORT/bot --token T

Prints "remembering bot ready" on standard output once it polls.
"""

from __future__ import annotations

import asyncio

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Integer, LargeBinary
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from benchmarks.echo_bot import bot_api_arguments, echo_application, poll_until_stopped
from storage.crypto import TextCipher
from storage.database import create_engine


class FloorSettings(BaseSettings):
    """Where the floor bot keeps its chats, and the key it encrypts their words with."""

    model_config = SettingsConfigDict(env_prefix="MYSAY_FLOOR_")
    database: str
    data_key: str


class Base(DeclarativeBase):
    pass


class ChatState(Base):
    """Where one chat stands: how many updates it sent, and its last words, encrypted."""

    __tablename__ = "chat_state"
    chat_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    updates: Mapped[int] = mapped_column(Integer)
    last_words: Mapped[bytes] = mapped_column(LargeBinary)


class Memory:
    """Reads and writes a chat's row in one transaction per update."""

    def __init__(self, engine: AsyncEngine, cipher: TextCipher) -> None:
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.cipher = cipher

    async def remember(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert isinstance(update, Update) and update.effective_chat is not None
        words = update.message.text if update.message else None
        if update.callback_query is not None:
            words = update.callback_query.data
        async with self.sessions() as session, session.begin():
            state = await session.get(ChatState, update.effective_chat.id)
            if state is None:
                state = ChatState(chat_id=update.effective_chat.id, updates=0)
                session.add(state)
            state.updates += 1
            state.last_words = self.cipher.encrypt(str(words or ""))


async def run(base_url: str, token: str, settings: FloorSettings) -> None:
    """Make the table, then poll until SIGTERM or SIGINT."""
    engine = create_engine(f"sqlite+aiosqlite:///{settings.database}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    memory = Memory(engine, TextCipher([settings.data_key]))
    application = echo_application(base_url, token)
    application.add_handler(TypeHandler(Update, memory.remember), group=-1)
    await poll_until_stopped(application, "remembering bot")
    await engine.dispose()


def main() -> None:
    """Read the Bot API URL and token (and the settings from the environment), then run."""
    args = bot_api_arguments(__doc__)
    asyncio.run(run(args.base_url, args.token, FloorSettings()))  # type: ignore[call-arg]


if __name__ == "__main__":
    main()
