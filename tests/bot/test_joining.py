"""Redeeming an invitation: a resent /start or a second press of the same link is no guess."""

from __future__ import annotations

from bot.app import admin
from bot.app.joining import JoinResult, actor_for, redeem
from bot.app.ports import UpdateKey
from bot.app.texts import message
from bot.bootstrap import Services
from tests.e2e.conftest import CHILD_ID, IRO_ID, PARENT_ID, seed_case
from tests.support import issue_invitation


async def _refusals(services: Services, telegram_id: int) -> int:
    async with services.uow() as uow:
        return await uow.audit.count_since(
            "invitation_refused", actor_for(telegram_id), services.clock().replace(year=2000)
        )


async def test_a_resent_start_and_a_second_press_of_the_link_are_not_bad_guesses(
    services: Services,
) -> None:
    await seed_case(services)
    code = await issue_invitation(services, "C001", "child")
    assert (await redeem(services, CHILD_ID, code, UpdateKey(10))).result is JoinResult.joined
    assert (await redeem(services, CHILD_ID, code, UpdateKey(10))).result is JoinResult.duplicate
    again = await redeem(services, CHILD_ID, code, UpdateKey(11))
    assert (again.result, again.role) == (JoinResult.already_joined, "child")
    assert await _refusals(services, CHILD_ID) == 0
    # Someone else with the same code is refused, and that counts.
    assert (await redeem(services, PARENT_ID, code, UpdateKey(12))).result is JoinResult.used
    assert await _refusals(services, PARENT_ID) == 1


async def _staff_invite(services: Services, username: str, *, move: bool = False) -> str:
    """A staff link, or with `move` the admin's move link (issue_invitation has no move)."""
    async with services.uow() as uow:
        issued = await admin.invite_staff(uow, services.clock(), 14, username, move=move)
        await uow.commit()
    return issued.code


async def _iro_account(services: Services) -> int | None:
    async with services.uow() as uow:
        staff = await admin.staff_by_username(uow, "iro1")
        return staff.telegram_id


async def test_a_childs_account_cannot_take_a_staff_identity(services: Services) -> None:
    await seed_case(services)  # iro1 is linked to IRO_ID
    code = await issue_invitation(services, "C001", "child")
    assert (await redeem(services, CHILD_ID, code, UpdateKey(20))).result is JoinResult.joined
    code = await _staff_invite(services, "iro1")
    refused = await redeem(services, CHILD_ID, code, UpdateKey(21))
    assert refused.result is JoinResult.family_account
    assert await _iro_account(services) == IRO_ID


async def test_a_staff_identity_moves_only_with_a_move_link_and_the_old_account_is_told(
    services: Services,
) -> None:
    await seed_case(services)
    own = await _staff_invite(services, "iro1")
    assert (await redeem(services, IRO_ID, own, UpdateKey(29))).result is JoinResult.joined
    newcomer = 5555
    ordinary = await _staff_invite(services, "iro1")
    assert (
        await redeem(services, newcomer, ordinary, UpdateKey(30))
    ).result is JoinResult.staff_elsewhere
    assert await _iro_account(services) == IRO_ID

    move = await _staff_invite(services, "iro1", move=True)
    moved = await redeem(services, newcomer, move, UpdateKey(31))
    assert (moved.result, moved.role) == (JoinResult.joined, "staff")
    assert await _iro_account(services) == newcomer
    async with services.uow() as uow:
        told = [m for m in await uow.outbox.pending() if m.chat_id == IRO_ID]
        assert [uow.outbox.text(m) for m in told] == [message("joining.staff_moved")]
        old_links = await uow.participants.for_telegram_id(IRO_ID)
        assert [link.staff_id for link in old_links] == [None]
