"""Free text is encrypted at rest, and a wrong key fails clearly."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import Services, open_services
from bot.settings import Settings
from storage.crypto import DataKeyError, TextCipher, cipher_from_settings, new_key
from storage.models import AnswerSummary, Child
from tests.support import FIXED_NOW, add_run, mysay

SECRET = "my stepdad shouts at night and I hide under the bed"


async def _write_answer(services: Services) -> None:
    async with services.uow() as uow:
        run = await add_run(uow, telegram_id=9, state={"answers": {"message": SECRET}})
        await uow.runs.put_answer(
            run.id, "message", "text", choice=None, text=SECRET, theme=None, now=FIXED_NOW
        )
        await uow.commit()


async def _assert_not_in_file(services: Services, settings: Settings, *needles: str) -> None:
    """Close the database, then look for each needle in its SQL dump and its raw bytes."""
    await services.database.dispose()
    path = Path(settings.effective_database_url.split("///", 1)[1])
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(FULL)")
        dump = "\n".join(connection.iterdump())
    raw = path.read_bytes()
    for needle in needles:
        assert needle not in dump
        assert needle.encode() not in raw


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_sqlite_file_holds_no_plaintext_of_an_answer(
    services: Services, settings: Settings
) -> None:
    await _write_answer(services)
    await _assert_not_in_file(services, settings, "stepdad", "under the bed")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_themes_found_in_words_are_encrypted_and_stay_so_in_the_kept_summary(
    services: Services, settings: Settings
) -> None:
    """The themes tell of the words ("safety"), so they are encrypted like them."""
    async with services.uow() as uow:
        child = Child(case_ref="C9", created_at=FIXED_NOW)
        uow.session.add(child)
        await uow.flush()
        run = await add_run(uow, telegram_id=9, role="parent", child_id=child.id)
        await uow.runs.put_answer(
            run.id, "better", "text", choice=None, text=SECRET, theme=None, now=FIXED_NOW
        )
        await uow.runs.note_themes(run.id, "better", "family_contact,safety")
        await uow.commit()
    async with services.uow() as uow:
        (answer,) = await uow.runs.answers(run.id)
        assert uow.runs.answer_themes(answer) == "family_contact,safety"
        await uow.kept_figures.delete_runs([run.id])  # as retention or an erasure does
        await uow.commit()
    async with services.uow() as uow:
        (kept,) = (await uow.session.scalars(select(AnswerSummary))).all()
        assert uow.runs.answer_themes(kept) == "family_contact,safety"

    await _assert_not_in_file(services, settings, "stepdad", "family_contact", "safety")


def test_a_wrong_key_gives_a_clear_error_not_garbage() -> None:
    token = TextCipher([new_key()]).encrypt(SECRET)
    with pytest.raises(DataKeyError, match="cannot be decrypted"):
        TextCipher([new_key()]).decrypt(token)


def test_a_malformed_key_is_named() -> None:
    with pytest.raises(DataKeyError, match="MYSAY_DATA_KEY"):
        TextCipher(["not-a-key"])


def test_keys_rotate_newest_first() -> None:
    old, new = new_key(), new_key()
    token = TextCipher([old]).encrypt(SECRET)
    rotated = TextCipher([new, old])
    assert rotated.decrypt(token) == SECRET
    assert TextCipher([new]).decrypt(rotated.rotate(token)) == SECRET


def test_the_embedded_key_file_is_made_once_and_owner_only(tmp_path: Path) -> None:
    first = cipher_from_settings("", tmp_path / "data")
    key_file = tmp_path / "data" / "mysay.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = cipher_from_settings("", tmp_path / "data")
    assert second.decrypt(first.encrypt(SECRET)) == SECRET


async def test_opening_with_another_key_is_refused_at_start(settings: Settings) -> None:
    async with open_services(settings, clock=lambda: FIXED_NOW) as services:
        await _write_answer(services)
    other = settings.model_copy(update={"data_key": new_key()})
    with pytest.raises(DataKeyError, match="does not open this database"):
        async with open_services(other):
            pass


def test_a_lost_key_file_stops_the_program_with_one_line(tmp_path: Path) -> None:
    env = {
        "MYSAY_DATA_DIR": str(tmp_path / "data"),
        "MYSAY_DATA_KEY": "",
        "MYSAY_DATABASE_URL": "",
        "MYSAY_TELEGRAM_TOKEN": "",
    }
    assert mysay("db", "upgrade", env=env).exit_code == 0
    assert mysay("staff", "list", env=env).exit_code == 0  # stores the key check value
    (tmp_path / "data" / "mysay.key").unlink()  # lost; a new one would be made silently
    refused = mysay("staff", "list", env=env)
    assert refused.exit_code == 1
    assert refused.output.startswith("error: the data key does not open this database")
    assert "Traceback" not in refused.output


async def test_key_rotate_reencrypts_everything_and_the_old_key_can_go(
    settings: Settings, tmp_path: Path
) -> None:
    async with open_services(settings, clock=lambda: FIXED_NOW) as services:
        await _write_answer(services)
    old, new = settings.data_key, new_key()
    env = {
        "MYSAY_DATABASE_URL": settings.effective_database_url,
        "MYSAY_DATA_DIR": str(tmp_path / "data"),
        "MYSAY_DATA_KEY": f"{new},{old}",
        "MYSAY_TELEGRAM_TOKEN": "",
    }
    first = await asyncio.to_thread(mysay, "key", "rotate", env=env)
    assert first.exit_code == 0, first.output
    assert "re-encrypted" in first.output and "Done:" in first.output
    again = await asyncio.to_thread(mysay, "key", "rotate", env=env)  # resumable: safe twice
    assert again.exit_code == 0, again.output
    only_new = settings.model_copy(update={"data_key": new})
    async with open_services(only_new) as services, services.uow() as uow:
        run = await uow.runs.get(1)
        assert run is not None
        assert uow.runs.read_state(run)  # readable with the new key alone
