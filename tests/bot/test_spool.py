"""The update spool: encrypted on disk, replayed in order, nothing lost if a replay dies."""

from __future__ import annotations

import stat
from pathlib import Path

from bot.telegram.spool import UpdateSpool
from storage.crypto import TextCipher, new_key


def test_spooled_updates_come_back_in_order_and_are_encrypted(tmp_path: Path) -> None:
    spool = UpdateSpool(tmp_path / "data", TextCipher([new_key()]))
    assert not spool.waiting() and spool.take() == []
    spool.add({"update_id": 1, "message": {"text": "a secret"}})
    spool.add({"update_id": 2})
    assert spool.waiting()
    assert b"secret" not in spool.path.read_bytes()
    assert stat.S_IMODE(spool.path.stat().st_mode) == 0o600
    assert [u["update_id"] for u in spool.take()] == [1, 2]
    spool.add({"update_id": 3})  # failed again during the replay: spooled afresh
    spool.done()
    assert [u["update_id"] for u in spool.take()] == [3]
    spool.done()
    assert not spool.waiting()


def test_a_replay_that_died_is_taken_again_before_newer_updates(tmp_path: Path) -> None:
    cipher = TextCipher([new_key()])
    spool = UpdateSpool(tmp_path, cipher)
    spool.add({"update_id": 1})
    assert [u["update_id"] for u in spool.take()] == [1]
    spool.add({"update_id": 2})
    # The process died before done(): a new process finds the replay unfinished.
    again = UpdateSpool(tmp_path, cipher)
    assert again.waiting()
    assert [u["update_id"] for u in again.take()] == [1]
    again.done()
    assert [u["update_id"] for u in again.take()] == [2]
