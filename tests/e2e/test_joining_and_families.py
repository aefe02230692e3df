"""Invitations (good, expired, reused, guessed) and a parent's feedback, end to end."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import FeedbackCount, Participant, Run
from storage.uow import UnitOfWork
from tests.e2e.conftest import CHILD_ID, IRO_ID, PARENT_ID, RunningBot
from tests.e2e.driver import answer_until_summary, join
from tests.support import MutableClock


async def _participants(bot: RunningBot) -> list[tuple[int, str]]:
    async with bot.services.uow() as uow:
        rows = (await uow.session.scalars(select(Participant).order_by(Participant.id))).all()
        return [(p.telegram_id, p.role) for p in rows]


async def _feedback_counts(uow: UnitOfWork) -> list[tuple[str, str, str, int]]:
    rows = await uow.session.execute(
        select(FeedbackCount.step_id, FeedbackCount.measure, FeedbackCount.value, FeedbackCount.n)
    )
    return sorted(tuple(row) for row in rows)


async def test_start_without_a_code_explains_how_to_get_an_invitation(bot: RunningBot) -> None:
    stranger = bot.person(5555)
    await stranger.type("/start")
    reply = await stranger.read()
    assert "invitation link from your IRO" in reply.text and "\n/helpnow - " in reply.text
    await stranger.type("/review")
    assert (await stranger.read()).text == reply.text  # the newcomer's commands, as for /start
    assert await _participants(bot) == []


async def test_an_expired_invitation_is_refused_kindly_and_changes_nothing(
    bot: RunningBot, clock: MutableClock
) -> None:
    code = await bot.invite("C001", "child")
    clock.advance(days=15)
    reply = await join(bot.person(CHILD_ID), code)
    assert "expired" in reply.text and "new link" in reply.text
    assert await _participants(bot) == []


async def test_a_used_invitation_cannot_link_a_second_account(bot: RunningBot) -> None:
    code = await bot.invite("C001", "child")
    assert "Welcome" in (await join(bot.person(CHILD_ID), code)).text
    reply = await join(bot.person(7777), code)
    assert "already been used" in reply.text
    assert await _participants(bot) == [(CHILD_ID, "child")]


async def test_repeated_bad_codes_are_rate_limited(bot: RunningBot) -> None:
    guesser = bot.person(6666)
    for attempt in range(5):
        assert "don't recognise" in (await join(guesser, f"guess{attempt}")).text
    good = await bot.invite("C001", "child")
    assert "a lot of tries" in (await join(guesser, good)).text
    assert await _participants(bot) == []


async def test_telegram_names_are_not_stored(bot: RunningBot) -> None:
    await join(bot.person(CHILD_ID), await bot.invite("C001", "child"))
    async with bot.services.uow() as uow:
        raw = await uow.session.execute(select(Participant.__table__))
        columns = set(raw.keys())
    assert not {"first_name", "last_name", "username"} & columns


async def test_a_parent_gives_feedback_and_it_is_stored(bot: RunningBot) -> None:
    parent = bot.person(PARENT_ID)
    assert "feedback" in (await join(parent, await bot.invite("C001", "parent"))).text
    await parent.type("/feedback")
    first = await parent.question()
    summary = await answer_until_summary(parent, first)
    await parent.press("Send", summary)
    assert "✓ Send\n\nThank you" in (await parent.read_until("✓ Send")).text
    async with bot.services.uow() as uow:
        runs = (await uow.session.scalars(select(Run))).all()
        assert [(r.flow_id, r.status) for r in runs] == [("parent_feedback", "submitted")]
        answers = {a.step_id: a for a in await uow.runs.answers(runs[0].id)}
        assert uow.runs.answer_text(answers["better"]) == "typed answer 1"
        assert {"reports_shared", "listened_to", "rating", "may_quote"} <= set(answers)
        # Sending counted it for the report, as a recount from the answers would.
        counted = await _feedback_counts(uow)
        await uow.report_counts.recount()
        assert ("", "respondent", "", 1) in counted
        assert ("rating", "choice", answers["rating"].choice, 1) in counted
        assert await _feedback_counts(uow) == counted


async def test_a_parent_gets_privacy_and_help_in_words_for_parents(bot: RunningBot) -> None:
    parent = bot.person(PARENT_ID)
    await join(parent, await bot.invite("C001", "parent"))
    await parent.type("/privacy")
    privacy = await parent.read_until("What My Say keeps")
    assert "Your feedback" in privacy.text and "subject access request" in privacy.text
    assert "your meeting" not in privacy.text  # the child's words, not a parent's
    await parent.type("/help")
    assert "/checkin" not in (await parent.read_until("Here is what I can do")).text
    await parent.type("/checkin")
    assert "/feedback" in (await parent.read_until("Check-ins are for children")).text
    async with bot.services.uow() as uow:
        assert (await uow.session.scalars(select(Run))).all() == []


async def _menu(bot: RunningBot, chat_id: int) -> set[str]:
    commands = await bot.emulator.commands({"type": "chat", "chat_id": chat_id})
    return {command["command"] for command in commands}


async def test_each_audience_gets_its_own_command_menu(bot: RunningBot) -> None:
    await join(bot.person(CHILD_ID), await bot.invite("C001", "child"))
    await join(bot.person(PARENT_ID), await bot.invite("C001", "parent"))
    await join(bot.person(IRO_ID), await bot.invite_staff("iro1"))
    staff_commands = {"upcoming", "views", "invite", "outcome", "flags"}
    child_menu, parent_menu = await _menu(bot, CHILD_ID), await _menu(bot, PARENT_ID)
    assert {"review", "feedback", "checkin", "myanswers", "helpnow"} <= child_menu
    assert {"feedback", "privacy", "helpnow"} <= parent_menu
    assert not {"review", "checkin"} & parent_menu  # check-ins are for children
    assert not staff_commands & (child_menu | parent_menu)
    assert staff_commands <= await _menu(bot, IRO_ID)
    everyone = {c["command"] for c in await bot.emulator.commands({"type": "all_private_chats"})}
    assert {"start", "help", "helpnow"} <= everyone and not staff_commands & everyone
