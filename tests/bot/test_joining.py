"""Redeeming an invitation: a resent /start or a second press of the same link is no guess."""

from __future__ import annotations

from bot.bootstrap import Services
from bot.usecases.joining import JoinResult, actor_for, redeem
from storage import admin
from tests.e2e.conftest import CHILD_ID, PARENT_ID, seed_case


async def _refusals(services: Services, telegram_id: int) -> int:
    async with services.uow() as uow:
        return await uow.audit.count_since(
            "invitation_refused", actor_for(telegram_id), services.clock().replace(year=2000)
        )


async def test_a_resent_start_and_a_second_press_of_the_link_are_not_bad_guesses(
    services: Services,
) -> None:
    await seed_case(services)
    async with services.uow() as uow:
        issued = await admin.create_invitation(
            uow, services.clock(), 14, case_ref="C001", role="child"
        )
        await uow.commit()
    assert (await redeem(services, CHILD_ID, issued.code, 10)).result is JoinResult.joined
    assert (await redeem(services, CHILD_ID, issued.code, 10)).result is JoinResult.duplicate
    again = await redeem(services, CHILD_ID, issued.code, 11)
    assert (again.result, again.role) == (JoinResult.already_joined, "child")
    assert await _refusals(services, CHILD_ID) == 0
    # Someone else with the same code is refused, and that counts.
    assert (await redeem(services, PARENT_ID, issued.code, 12)).result is JoinResult.used
    assert await _refusals(services, PARENT_ID) == 1
