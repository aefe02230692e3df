"""Migrations: they build exactly the models, move what they move, run twice as a no-op,
gate start-up, and keep the report's counts."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, column, insert, select, table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateIndex

from bot.bootstrap import open_services
from bot.settings import Settings
from storage.crypto import DataKeyError, TextCipher, new_key
from storage.database import Database, SchemaOutdated, alembic_config
from storage.keys import CHECK_WORD
from storage.models import (
    AnswerSummary,
    Base,
    Child,
    FeedbackCount,
    Participant,
    Review,
    RunSummary,
    UtcDateTime,
    add_postgresql_conditions,
)
from storage.uow import UnitOfWork
from tests.support import mysay


def _models() -> MetaData:
    """The models as the migrations' environment sees them: PostgreSQL's conditions added."""
    models = MetaData(naming_convention=Base.metadata.naming_convention)
    for model_table in Base.metadata.sorted_tables:
        model_table.to_metadata(models)
    add_postgresql_conditions(models)
    return models


def _diff(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), _models()))


def test_every_partial_index_holds_the_same_rows_in_postgresql_as_in_sqlite() -> None:
    indexes = {
        index.name: index
        for model_table in _models().tables.values()
        for index in model_table.indexes
    }
    partial = {
        name
        for name, index in indexes.items()
        if index.dialect_options["sqlite"]["where"] is not None
    }
    assert {"ix_answer_may_quote", "ix_inbound_update_waiting"} <= partial
    for name in partial:
        in_sqlite = str(CreateIndex(indexes[name]).compile(dialect=sqlite.dialect()))
        in_postgresql = str(CreateIndex(indexes[name]).compile(dialect=postgresql.dialect()))
        condition = in_sqlite.split(" WHERE ", 1)[1]
        assert in_postgresql.endswith(f" WHERE {condition}"), name


async def test_migrations_build_exactly_the_models(database_url: str) -> None:
    database = Database.connect(database_url)
    try:
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await database.dispose()


def test_db_upgrade_twice_is_a_no_op_the_second_time(tmp_path: Path) -> None:
    env = {"MYSAY_DATA_DIR": str(tmp_path / "data"), "MYSAY_DATABASE_URL": ""}
    first = mysay("db", "upgrade", env=env)
    assert first.exit_code == 0 and "upgraded from empty" in first.output
    second = mysay("db", "upgrade", env=env)
    assert second.exit_code == 0 and "already up to date" in second.output


async def test_the_app_refuses_an_outdated_schema(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(SchemaOutdated, match="mysay db upgrade"):
        async with open_services(settings):
            pass


def test_a_command_on_an_empty_database_says_to_upgrade(tmp_path: Path) -> None:
    env = {"MYSAY_DATA_DIR": str(tmp_path / "data"), "MYSAY_DATABASE_URL": ""}
    result = mysay("staff", "list", env=env)
    assert result.exit_code == 1
    assert "run `mysay db upgrade`" in result.output
    assert "Traceback" not in result.output


def test_upgrading_moves_each_question_message_from_the_run_to_the_adapter(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite+aiosqlite:///{path}"
    command.upgrade(alembic_config(url), "0007")
    with sqlite3.connect(path) as db:
        db.executescript(
            "INSERT INTO participant (id, telegram_id, role, locale, created_at)"
            " VALUES (1, 42, 'child', 'en', '2026-11-30');"
            "INSERT INTO run (id, participant_id, flow_id, flow_version, status, state_cipher,"
            " started_at, updated_at, version, prompt_message_id) VALUES"
            " (1, 1, 'checkin', 1, 'waiting', x'00', '2026-11-30', '2026-11-30', 1, 77),"
            " (2, 1, 'checkin', 1, 'submitted', x'00', '2026-11-30', '2026-11-30', 1, NULL);"
            "INSERT INTO answer (run_id, step_id, kind, answered_at)"
            " VALUES (1, 'mood', 'scale', '2026-11-30');"
        )
    command.upgrade(alembic_config(url), "head")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT run_id, message_id FROM telegram_prompt").fetchall() == [(1, 77)]
        assert db.execute("SELECT count(*) FROM answer").fetchone() == (1,)
    command.downgrade(alembic_config(url), "0007")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT id, prompt_message_id FROM run ORDER BY id").fetchall()
        assert rows == [(1, 77), (2, None)]


# The answer table as it was before its themes were encrypted.
ANSWER_BEFORE_0015 = table(
    "answer",
    *map(column, ["run_id", "step_id", "kind", "choice", "text_cipher", "theme", "text_themes"]),
    column("answered_at", UtcDateTime()),
)

# The run table as it was before runs noted their language (migration "languages").
RUN_BEFORE_LANGUAGES = table(
    "run",
    *map(column, ["id", "participant_id", "review_id", "flow_id", "flow_version", "status"]),
    *map(column, ["state_cipher", "version"]),
    *(column(name, UtcDateTime()) for name in ("started_at", "updated_at", "submitted_at")),
)


def _revision_before(name: str) -> str:
    """The revision before the migration named `name` (whatever its number)."""
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    found = next(
        script for script in scripts.walk_revisions() if script.path.endswith(f"_{name}.py")
    )
    assert isinstance(found.down_revision, str)
    return found.down_revision


async def _seed_sent_runs(database_url: str) -> None:
    """A child's views and a parent's feedback sent, and a carer's run since deleted."""
    database = Database.connect(database_url)
    at = datetime(2025, 3, 4, 23, 30, tzinfo=UTC)
    try:
        async with database.engine.begin() as connection:
            run_columns = {"flow_version": 1, "state_cipher": b"", "version": 1}
            await connection.execute(
                insert(Child.__table__).values(id=1, case_ref="C1", created_at=at)
            )
            await connection.execute(
                insert(Review.__table__).values(
                    id=1,
                    child_id=1,
                    kind="cla_review",
                    due_date=date(2025, 3, 10),
                    held_on=date(2025, 3, 10),
                    created_at=at,
                )
            )
            await connection.execute(
                insert(Participant.__table__),
                [
                    {"id": n, "telegram_id": n, "role": role, "child_id": 1, "locale": "en"}
                    | {"created_at": at}
                    for n, role in ((1, "child"), (2, "parent"))
                ],
            )
            await connection.execute(
                insert(RUN_BEFORE_LANGUAGES),
                [
                    {"id": n, "participant_id": n, "review_id": 1, "flow_id": flow}
                    | {"status": "submitted", "started_at": at, "updated_at": at}
                    | {"submitted_at": at + timedelta(days=n)}
                    | run_columns
                    for n, flow in ((1, "child_before_review"), (2, "parent_feedback"))
                ],
            )
            answer = {"run_id": 2, "text_cipher": None, "theme": None, "text_themes": None}
            answer |= {"answered_at": at}
            await connection.execute(
                insert(ANSWER_BEFORE_0015),
                [
                    answer | {"step_id": "rating", "kind": "scale", "choice": "4"},
                    answer
                    | {"step_id": "better", "kind": "text", "choice": None}
                    | {"text_themes": "meeting,plan"},
                ],
            )
            await connection.execute(
                insert(RunSummary.__table__).values(
                    id=1,
                    child_id=1,
                    review_id=1,
                    participant_key=-1,
                    role="carer",
                    flow_id="parent_feedback",
                    status="submitted",
                    started_at=at,
                    submitted_at=at,
                )
            )
            await connection.execute(
                insert(AnswerSummary.__table__).values(
                    run_summary_id=1, step_id="rating", kind="scale", choice="5"
                )
            )
    finally:
        await database.dispose()


async def _kept_counts(
    database_url: str, cipher: TextCipher, *, recount: bool
) -> tuple[list[object], object]:
    database = Database.connect(database_url)
    try:
        async with UnitOfWork(database, cipher) as uow:
            if recount:
                await uow.report_counts.recount()
            counted = (
                await uow.session.execute(
                    select(
                        FeedbackCount.day,
                        FeedbackCount.role,
                        FeedbackCount.step_id,
                        FeedbackCount.measure,
                        FeedbackCount.value,
                        FeedbackCount.n,
                    )
                )
            ).all()
            views = await uow.session.scalar(select(Review.views_sent_on))
            return sorted(tuple(row) for row in counted), views
    finally:
        await database.dispose()


def test_upgrading_counts_what_was_sent_before_as_the_bot_now_counts_it(
    database_url: str,
) -> None:
    command.downgrade(alembic_config(database_url), _revision_before("report_counts"))
    asyncio.run(_seed_sent_runs(database_url))
    cipher = TextCipher([new_key()])
    command.upgrade(alembic_config(database_url, cipher), "head")
    migrated = asyncio.run(_kept_counts(database_url, cipher, recount=False))
    # 23:30 UTC on 4 March: the child sent views on the 5th, the parent on the 6th.
    assert migrated == (
        [
            (date(2025, 3, 4), "carer", "", "respondent", "", 1),
            (date(2025, 3, 4), "carer", "rating", "choice", "5", 1),
            (date(2025, 3, 6), "parent", "", "respondent", "", 1),
            (date(2025, 3, 6), "parent", "better", "themes", "meeting,plan", 1),
            (date(2025, 3, 6), "parent", "rating", "choice", "4", 1),
        ],
        date(2025, 3, 5),
    )
    assert asyncio.run(_kept_counts(database_url, cipher, recount=True)) == migrated


def test_upgrading_keys_updates_by_chat_and_message_and_keeps_what_waits(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite+aiosqlite:///{path}"
    before = _revision_before("update_keys_and_themes")
    command.upgrade(alembic_config(url), before)
    with sqlite3.connect(path) as db:
        db.executescript(
            "INSERT INTO processed_update (update_id, processed_at) VALUES (5, '2026-11-30');"
            "INSERT INTO inbound_update (update_id, chat_id, body_cipher, received_at,"
            " handled_at) VALUES (6, NULL, NULL, '2026-11-30', '2026-11-30'),"
            " (7, 42, x'00', '2026-11-30', NULL);"
        )
    command.upgrade(alembic_config(url), "head")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT update_id, chat_id, item FROM processed_update").fetchall() == [
            (5, 0, "")
        ]
        rows = db.execute(
            "SELECT update_id, chat_id, item, body_cipher FROM inbound_update ORDER BY update_id"
        ).fetchall()
        assert rows == [(6, 0, "", None), (7, 42, "", b"\x00")]
        # The same id may now come again on another message.
        db.execute(
            "INSERT INTO processed_update (update_id, chat_id, item, processed_at)"
            " VALUES (5, 42, '9', '2026-12-01')"
        )
    command.downgrade(alembic_config(url), before)
    with sqlite3.connect(path) as db:
        # Two rows shared id 5; with the id alone the key again, neither can be told apart.
        assert db.execute("SELECT count(*) FROM processed_update").fetchone() == (0,)
        rows = db.execute("SELECT update_id, chat_id FROM inbound_update ORDER BY 1").fetchall()
        assert rows == [(6, 0), (7, 42)]


def _themed_database(tmp_path: Path, cipher: TextCipher) -> tuple[Path, str]:
    """A database before themes were encrypted, with themes on an answer and a summary."""
    path = tmp_path / "themes.db"
    url = f"sqlite+aiosqlite:///{path}"
    command.upgrade(alembic_config(url), _revision_before("update_keys_and_themes"))
    with sqlite3.connect(path) as db:
        db.executescript(
            "INSERT INTO child (id, case_ref, created_at) VALUES (1, 'C1', '2026-11-30');"
            "INSERT INTO participant (id, telegram_id, role, child_id, locale, created_at)"
            " VALUES (1, 42, 'parent', 1, 'en', '2026-11-30');"
            "INSERT INTO run (id, participant_id, flow_id, flow_version, status, state_cipher,"
            " started_at, updated_at, version) VALUES"
            " (1, 1, 'parent_feedback', 1, 'submitted', x'00', '2026-11-30', '2026-11-30', 1);"
            "INSERT INTO run_summary (id, child_id, participant_key, role, flow_id, status,"
            " started_at) VALUES (1, 1, -1, 'carer', 'parent_feedback', 'submitted',"
            " '2026-11-30');"
            "INSERT INTO answer (run_id, step_id, kind, text_themes, answered_at)"
            " VALUES (1, 'better', 'text', 'safety,home', '2026-11-30');"
            "INSERT INTO answer_summary (run_summary_id, step_id, kind, text_themes)"
            " VALUES (1, 'better', 'text', 'meeting');"
        )
        db.execute(
            "INSERT INTO key_check (token, created_at) VALUES (?, '2026-11-30')",
            (cipher.encrypt(CHECK_WORD),),
        )
    return path, url


def test_upgrading_encrypts_the_themes_of_words_with_the_data_key(tmp_path: Path) -> None:
    cipher = TextCipher([new_key()])
    path, url = _themed_database(tmp_path, cipher)
    with pytest.raises(RuntimeError, match="mysay db upgrade"):
        command.upgrade(alembic_config(url), "head")  # no key given
    with pytest.raises(DataKeyError):
        command.upgrade(alembic_config(url, TextCipher([new_key()])), "head")  # another key

    command.upgrade(alembic_config(url, cipher), "head")

    with sqlite3.connect(path) as db:
        stored = [
            db.execute(f"SELECT text_themes_cipher FROM {table}").fetchone()[0]
            for table in ("answer", "answer_summary")
        ]
    assert all(b"safety" not in token and b"meeting" not in token for token in stored)
    assert [cipher.decrypt(token) for token in stored] == ["safety,home", "meeting"]
    command.downgrade(alembic_config(url, cipher), _revision_before("update_keys_and_themes"))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT text_themes FROM answer").fetchone() == ("safety,home",)
