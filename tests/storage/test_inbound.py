"""The inbound store and chat claims: on SQLite and PostgreSQL, claims across connections."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text

from bot.bootstrap import Services
from storage.chat_claims import LOCK_SPACE, _lock_key, claim_chat
from storage.models import InboundUpdate
from tests.support import FIXED_NOW, eventually

WORDS = "i do not feel safe at home"


def _body(update_id: int, chat_id: int, words: str = WORDS) -> dict[str, Any]:
    return {"update_id": update_id, "message": {"chat": {"id": chat_id}, "text": words}}


async def _store(services: Services, *updates: tuple[int, int]) -> list[bool]:
    async with services.uow() as uow:
        stored = [
            await uow.inbound.add(update_id, chat_id, _body(update_id, chat_id), FIXED_NOW)
            for update_id, chat_id in updates
        ]
        await uow.commit()
    return stored


async def test_an_update_stored_twice_is_kept_once_and_its_words_encrypted(
    services: Services,
) -> None:
    assert await _store(services, (7, 1001)) == [True]
    assert await _store(services, (7, 1001)) == [False]

    async with services.uow() as uow:
        rows = (await uow.session.scalars(select(InboundUpdate))).all()
        assert [row.update_id for row in rows] == [7]
        assert rows[0].body_cipher is not None and WORDS.encode() not in rows[0].body_cipher
        waiting = await uow.inbound.waiting_in(1001, 10)
    assert [(w.update_id, w.body["message"]["text"]) for w in waiting] == [(7, WORDS)]


async def test_waiting_updates_come_chat_by_chat_oldest_first(services: Services) -> None:
    await _store(services, (12, 2002), (10, 1001), (13, 1001), (11, 3003), (14, 2002), (15, 0))

    async with services.uow() as uow:
        assert await uow.inbound.waiting_chats(10) == [1001, 3003, 2002, 0]
        assert await uow.inbound.waiting_chats(2) == [1001, 3003]
        assert [w.update_id for w in await uow.inbound.waiting_in(1001, 10)] == [10, 13]
        assert [w.update_id for w in await uow.inbound.waiting_in(2002, 1)] == [12]


async def test_a_handled_update_keeps_only_its_id_and_is_no_longer_waiting(
    services: Services,
) -> None:
    await _store(services, (10, 1001), (11, 1001))
    async with services.uow() as uow:
        await uow.inbound.mark_handled(10, FIXED_NOW)
        await uow.commit()

    async with services.uow() as uow:
        assert [w.update_id for w in await uow.inbound.waiting_in(1001, 10)] == [11]
        handled = await uow.session.get(InboundUpdate, 10)
        assert handled is not None
        assert (handled.chat_id, handled.body_cipher, handled.handled_at) == (
            None,
            None,
            FIXED_NOW,
        )
    assert await _store(services, (10, 1001)) == [False]  # a redelivery is still recognised


@pytest.mark.parametrize("chat_id", [1, 2**31, 2**40 + 5, -1001234567890, 2**63 - 1])
def test_every_chat_id_folds_into_a_signed_32_bit_lock_key(chat_id: int) -> None:
    assert -(2**31) <= _lock_key(chat_id) < 2**31


async def test_only_one_claim_on_a_chat_at_a_time(services: Services) -> None:
    database = services.database
    async with claim_chat(database, 1001) as first:
        assert first.held and await first.still_held()
        if database.engine.dialect.name == "postgresql":
            async with claim_chat(database, 1001) as second:
                assert not second.held
        async with claim_chat(database, 2002) as other_chat:
            assert other_chat.held
    async with claim_chat(database, 1001) as again:
        assert again.held


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_claim_whose_connection_dies_is_free_at_once(services: Services) -> None:
    database = services.database
    async with claim_chat(database, 1001) as claim:
        assert claim.held
        # As when a worker is killed: the server sees the connection go, and its locks.
        async with database.engine.connect() as admin:
            await admin.execute(select(func.pg_terminate_backend(_holder_of(1001))))

        async def taken_over() -> bool:
            async with claim_chat(database, 1001) as next_claim:
                return next_claim.held

        assert await eventually(taken_over)
        assert not await claim.still_held()
    # Letting go of a claim whose connection died is quiet, and the chat can be claimed.
    async with claim_chat(database, 1001) as again:
        assert again.held


def _holder_of(chat_id: int) -> Any:
    """The server process holding a chat's claim, as a scalar subquery."""
    return (
        select(text("pid"))
        .select_from(text("pg_locks"))
        .where(
            text("locktype = 'advisory' AND classid = :space AND objid = :key").bindparams(
                space=LOCK_SPACE, key=_lock_key(chat_id) & 0xFFFFFFFF
            )
        )
        .scalar_subquery()
    )
