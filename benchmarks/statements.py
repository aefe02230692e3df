"""Count the SQL statements and transactions one participant input costs.

Starts the local Bot API emulator and the real bot on a fresh SQLite file, lets a child join
and walk the whole pre-review flow (typed words where a question asks for them, the first
button otherwise), and counts, with SQLAlchemy's engine events, what the database saw while
the bot handled each update, from the update arriving to the last reply sent:

- statements: every SQL statement sent (BEGIN, COMMIT and ROLLBACK not included);
- transactions: every transaction begun (committed or rolled back).

Prints the mean per typed answer, per button answer (a pressed option, a tick, Done), for a
typed answer that raises an urgent safeguarding flag (its alerts delivered at once, as the
bot does), and for pressing Send, beside the figures measured the same way before the
answers moved to one transaction (BEFORE) and their ratio; and which transactions were the
input's own, which noted the message showing the next question (the Telegram adapter's
table: now written in the next input's own transaction, so none should be
counted), and which delivered alerts from the outbox.

    .venv/bin/python -m benchmarks.statements
    .venv/bin/python -m benchmarks.statements --show "typed answer"   # and its SQL

The SQLite file goes under benchmarks/out/ (git-ignored) and is replaced on every run.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from statistics import mean
from typing import Any

from alembic import command
from sqlalchemy import event
from sqlalchemy.engine import Engine
from telegram import Update

from bot.app import admin
from bot.bootstrap import Services, build_core, open_services
from bot.emulator import BotApiEmulator, SentMessage
from bot.settings import Settings
from bot.telegram.application import PTBApplication, build_application
from storage.crypto import new_key
from storage.database import alembic_config

OUT = Path(__file__).parent / "out"
CHILD, IRO, MANAGER = 1001, 2001, 2002
# Generated examples, not anyone's words.
TYPED = "generated example answer about my week"
WORRYING = "generated example: my stepdad hits me"


# What each kind of input cost before the answers moved to one transaction: this benchmark
# run on main at 4f7dbfd (its first commit here, b592c92, is that version of it).
BEFORE = {
    "join": (9.0, 1.0),
    "start the flow": (13.0, 2.0),
    "button answer": (8.5, 1.8),
    "typed answer raising an urgent flag": (26.0, 8.0),
    "typed answer": (12.0, 3.0),
    "send": (21.0, 6.0),
}
# Transactions after the input's own, told apart by the one table they touch.
AFTERWARDS = {
    "telegram_prompt": "question notes",
    "outbox_message": "deliveries",
}


@dataclass
class Tally:
    """What the database saw while one update was handled: each transaction's statements."""

    transactions: list[list[str]] = field(default_factory=list)

    @property
    def statements(self) -> int:
        return sum(len(statements) for statements in self.transactions)

    def kind_of(self, statements: list[str]) -> str:
        """What a transaction did: the input's own work, or one kind of work after it."""
        for table, kind in AFTERWARDS.items():
            if statements and all(table in statement for statement in statements):
                return kind
        return "the input"

    def count(self, kind: str) -> int:
        return sum(1 for statements in self.transactions if self.kind_of(statements) == kind)


@dataclass
class Counter:
    """Counts statements and transactions on one engine while `counting()` is open."""

    engine: Engine
    current: Tally | None = None
    by_kind: dict[str, list[Tally]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "begin", self._begin)

    def _statement(self, _connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if self.current is not None:
            self.current.transactions[-1].append(" ".join(statement.split()))

    def _begin(self, *_: Any) -> None:
        if self.current is not None:
            self.current.transactions.append([])

    @contextmanager
    def counting(self, kind: str) -> Iterator[None]:
        self.current = Tally()
        try:
            yield
        finally:
            self.by_kind.setdefault(kind, []).append(self.current)
            self.current = None


@dataclass
class Chat:
    """The child's side of the chat: what they send, handled by the bot one at a time."""

    emulator: BotApiEmulator
    application: PTBApplication
    counter: Counter

    async def handle(self, update_id: int, kind: str) -> None:
        """Hand the update the child just made to the bot, counting what it costs."""
        queued = self.emulator.state.updates
        data = next(u for u in queued if u["update_id"] == update_id)
        queued.remove(data)
        update = Update.de_json(data, self.application.bot)
        with self.counter.counting(kind):
            await self.application.process_update(update)

    async def type(self, text: str, kind: str) -> None:
        await self.handle(await self.emulator.send_text(CHILD, text), kind)

    async def press(self, message: SentMessage, label: str, kind: str) -> None:
        data = next(d for text, d in message.buttons if label in text)
        assert data is not None
        await self.handle(await self.emulator.press_button(CHILD, message.message_id, data), kind)

    def latest_question(self) -> SentMessage:
        """The newest message that waits for an answer (buttons, or a typed answer)."""
        sent = self.emulator.state.transcript(CHILD)
        return next(m for m in reversed(sent) if m.buttons or "Type your answer" in (m.text or ""))


async def seed(services: Services) -> str:
    """An IRO and a manager in Telegram, child C001 aged 13, a review next week; a code."""
    now = services.clock()
    async with services.uow() as uow:
        await admin.add_staff(uow, "iro1", "Sam Patel", "iro", IRO, now)
        await admin.add_staff(uow, "manager1", "Demo Manager", "manager", MANAGER, now)
        await uow.flush()
        birth = date(now.year - 13, 1, 15)
        await admin.add_child(uow, "C001", now, birth_date=birth, iro_username="iro1")
        await uow.flush()
        next_week = now.date() + timedelta(days=7)
        await admin.add_review(uow, "C001", "cla_review", next_week, None, now)
        issued = await admin.invite_participant(uow, now, 14, "C001", "child")
        await uow.commit()
    return issued.code


async def walk_the_flow(chat: Chat) -> None:
    """Answer every question of the pre-review flow, one urgent typed answer among them."""
    worried = False
    for _ in range(60):
        question = chat.latest_question()
        labels = [label for label, _ in question.buttons]
        if any(label.startswith("Change") for label in labels):
            await chat.press(question, "Send", "send")
            return
        if "Type your answer" in (question.text or ""):
            if worried:
                await chat.type(TYPED, "typed answer")
            else:
                await chat.type(WORRYING, "typed answer raising an urgent flag")
                worried = True
        elif any("Done" in label for label in labels):
            await chat.press(question, labels[0], "button answer")
            await chat.press(chat.latest_question(), "Done", "button answer")
        else:
            await chat.press(question, labels[0], "button answer")
    raise AssertionError("the flow never reached its summary")


def fresh_database(folder: Path) -> str:
    """A migrated, empty SQLite file; its URL."""
    path = folder / "statements.db"
    path.unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{path}"
    command.upgrade(alembic_config(url), "head")
    return url


async def measure(folder: Path, url: str) -> dict[str, list[Tally]]:
    async with BotApiEmulator() as emulator:
        settings = Settings(
            database_url=url,
            data_dir=folder / "data",
            data_key=new_key(),
            telegram_token=emulator.token,
            telegram_api_url=emulator.base_url,
            _env_file=None,  # type: ignore[call-arg]
        )
        for staff in (IRO, MANAGER):
            # Staff have pressed Start, so their alerts can be delivered.
            emulator.state.chat_started(emulator.state.chat(staff))
        async with open_services(settings) as services:
            code = await seed(services)
            application = build_application(build_core(services))
            # Initialised, not started: no sweeps run, so every statement counted is the
            # update's own.
            await application.initialize()
            try:
                counter = Counter(services.database.engine.sync_engine)
                chat = Chat(emulator, application, counter)
                await chat.type(f"/start {code}", "join")
                await chat.type("/review", "start the flow")
                await walk_the_flow(chat)
                return counter.by_kind
            finally:
                await application.shutdown()


def report(tallies: dict[str, list[Tally]]) -> None:
    """Print the mean cost of each kind of input, now and before, and their ratio."""
    kinds = ("the input", *AFTERWARDS.values())
    print(
        f"{'input':<37}{'n':>3}  {'statements':>20}  {'transactions':>20}"
        f"  {'of which: ' + ' / '.join(kinds):>44}"
    )
    print(f"{'':<40}  {'before  now  ratio':>20}  {'before  now  ratio':>20}")
    for kind, found in tallies.items():
        statements = mean(t.statements for t in found)
        transactions = mean(len(t.transactions) for t in found)
        split = " / ".join(f"{mean(t.count(k) for t in found):.1f}" for k in kinds)
        was_statements, was_transactions = BEFORE[kind]
        print(
            f"{kind:<37}{len(found):>3}  "
            f"{was_statements:>6.1f} {statements:>5.1f} {statements / was_statements:>6.2f}  "
            f"{was_transactions:>6.1f} {transactions:>5.1f} "
            f"{transactions / was_transactions:>6.2f}  {split:>44}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", metavar="INPUT", help="print the SQL of the first such input")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    tallies = asyncio.run(measure(OUT, fresh_database(OUT)))
    report(tallies)
    if args.show:
        for number, statements in enumerate(tallies[args.show][0].transactions, start=1):
            print(f"-- transaction {number}")
            for statement in statements:
                print(statement)


if __name__ == "__main__":
    main()
