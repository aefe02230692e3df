"""Repository contract: the same tests on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm.exc import StaleDataError

from bot.app import admin
from bot.bootstrap import Services
from tests.support import FIXED_NOW, add_run


async def _seed(services: Services) -> None:
    async with services.uow() as uow:
        await admin.add_staff(uow, "iro1", "Demo IRO", "iro", None, FIXED_NOW)
        await uow.flush()
        await admin.add_child(
            uow, "C001", FIXED_NOW, birth_date=date(2014, 3, 2), iro_username="iro1"
        )
        await uow.flush()
        await admin.add_review(uow, "C001", "cla_review", date(2026, 12, 7), None, FIXED_NOW)
        await uow.commit()


async def _childs_runs(services: Services, *telegram_ids: int) -> list[int]:
    """Seed, then give the ids of one run of C001's for each Telegram account."""
    await _seed(services)
    async with services.uow() as uow:
        child = await uow.children.by_case_ref("C001")
        assert child is not None
        runs = [await add_run(uow, telegram_id=t, child_id=child.id) for t in telegram_ids]
        await uow.commit()
        return [run.id for run in runs]


async def test_unit_of_work_rolls_back_unless_committed(services: Services) -> None:
    async with services.uow() as uow:
        await admin.add_staff(uow, "iro1", "Demo IRO", "iro", None, FIXED_NOW)
    async with services.uow() as uow:
        assert list(await uow.staff.list()) == []


async def test_staff_children_and_reviews_are_found_again(services: Services) -> None:
    await _seed(services)
    async with services.uow() as uow:
        child = await uow.children.by_case_ref("C001")
        assert child is not None and child.birth_date == date(2014, 3, 2)
        iro = await uow.staff.by_username("iro1")
        assert iro is not None and child.iro_id == iro.id
        review = await uow.reviews.next_for_child(child.id, date(2026, 11, 30))
        assert review is not None and review.kind == "cla_review"
        assert await uow.reviews.latest_held(child.id) is None


async def test_adding_a_duplicate_case_ref_is_refused_with_a_reason(services: Services) -> None:
    await _seed(services)
    async with services.uow() as uow:
        with pytest.raises(admin.AdminError, match="already exists"):
            await admin.add_child(uow, "C001", FIXED_NOW)


async def test_an_invitation_can_be_claimed_only_once(services: Services) -> None:
    await _seed(services)
    async with services.uow() as uow:
        issued = await admin.invite_participant(uow, FIXED_NOW, 14, "C001", "child")
        await uow.commit()
    assert 32 <= len(issued.code) <= 64
    async with services.uow() as uow:
        invitation = await uow.invitations.by_code(issued.code)
        assert invitation is not None and invitation.code_hash != issued.code
        assert await uow.invitations.claim(invitation, FIXED_NOW)
        await uow.commit()
    async with services.uow() as uow:
        again = await uow.invitations.by_code(issued.code)
        assert again is not None and not await uow.invitations.claim(again, FIXED_NOW)
        assert await uow.invitations.by_code("not-a-code") is None


async def test_answers_round_trip_through_encryption(services: Services) -> None:
    await _seed(services)
    async with services.uow() as uow:
        child = await uow.children.by_case_ref("C001")
        assert child is not None
        run = await add_run(
            uow,
            telegram_id=42,
            child_id=child.id,
            state={"answers": {"message": "I miss my brother"}},
        )
        await uow.runs.put_answer(
            run.id,
            "message",
            "text",
            choice=None,
            text="I miss my brother",
            theme="family_contact",
            now=FIXED_NOW,
        )
        await uow.runs.put_answer(
            run.id, "mood", "scale", choice="3", text=None, theme="feelings", now=FIXED_NOW
        )
        await uow.commit()
        run_id = run.id
    async with services.uow() as uow:
        stored = await uow.runs.get(run_id)
        assert stored is not None
        assert uow.runs.read_state(stored) == {"answers": {"message": "I miss my brother"}}
        answers = {a.step_id: a for a in await uow.runs.answers(run_id)}
        assert uow.runs.answer_text(answers["message"]) == "I miss my brother"
        assert answers["mood"].choice == "3"
        assert b"brother" not in (answers["message"].text_cipher or b"")


async def test_an_answer_given_again_replaces_the_first(services: Services) -> None:
    async with services.uow() as uow:
        run = await add_run(uow, telegram_id=7, role="parent")
        for choice in ("2", "4"):
            await uow.runs.put_answer(
                run.id, "rating", "scale", choice=choice, text=None, theme=None, now=FIXED_NOW
            )
        await uow.commit()
        run_id = run.id
    async with services.uow() as uow:
        assert [(a.step_id, a.choice) for a in await uow.runs.answers(run_id)] == [("rating", "4")]
        await uow.runs.drop_answers(run_id, ["rating", "never_answered"])
        assert list(await uow.runs.answers(run_id)) == []


async def test_the_message_showing_a_question_is_noted_and_goes_with_its_run(
    services: Services,
) -> None:
    [run_id] = await _childs_runs(services, 7)
    async with services.uow() as uow:
        assert await uow.telegram_prompts.replace(run_id, 11) is None
        await uow.commit()
    async with services.uow() as uow:
        assert await uow.telegram_prompts.replace(run_id, 12) == 11
        await uow.commit()
    async with services.uow() as uow:
        assert await uow.telegram_prompts.replace(run_id, None) == 12
        assert await uow.telegram_prompts.replace(run_id, 13) is None
        await uow.commit()
    async with services.uow() as uow:
        await uow.telegram_prompts.note(run_id, 14)
        await uow.commit()
    async with services.uow() as uow:
        assert await uow.telegram_prompts.replace(run_id, 15) == 14
        await uow.commit()
    async with services.uow() as uow:
        await uow.kept_figures.delete_runs([run_id])
        await uow.commit()
    async with services.uow() as uow:
        assert await uow.telegram_prompts.replace(run_id, None) is None


async def test_a_question_note_never_goes_back_and_skips_erased_runs(
    services: Services,
) -> None:
    """A note held by one worker, written after another noted a newer message, is ignored."""
    kept_id, erased_id = await _childs_runs(services, 7, 8)
    async with services.uow() as uow:
        await uow.telegram_prompts.note(kept_id, 20)
        await uow.telegram_prompts.note(kept_id, 18)
        await uow.kept_figures.delete_runs([erased_id])
        await uow.commit()
    async with services.uow() as uow:
        await uow.telegram_prompts.note_all({kept_id: 19, erased_id: 30})
        await uow.commit()
    async with services.uow() as uow:
        assert await uow.telegram_prompts.replace(kept_id, 21) == 20
        assert await uow.telegram_prompts.replace(erased_id, None) is None


async def test_a_stale_run_write_is_refused(services: Services) -> None:
    """Two workers loading the same run: the second write loses instead of overwriting."""
    await _seed(services)
    async with services.uow() as uow:
        run = await add_run(uow, telegram_id=7, role="parent")
        await uow.commit()
        run_id = run.id
    async with services.uow() as first, services.uow() as second:
        one, two = await first.runs.get(run_id), await second.runs.get(run_id)
        assert one is not None and two is not None
        one.current_step, two.current_step = "a", "b"
        await first.commit()
        with pytest.raises(StaleDataError):
            await second.commit()


async def test_an_update_is_processed_once_and_a_reused_id_on_another_message_is_new(
    services: Services,
) -> None:
    async with services.uow() as uow:
        assert await uow.updates.first_time((1001, 42, "7"), FIXED_NOW)
        await uow.commit()
    async with services.uow() as uow:
        assert not await uow.updates.first_time((1001, 42, "7"), FIXED_NOW)
        assert await uow.updates.first_time((1002, 42, "8"), FIXED_NOW)
        # Telegram numbering afresh: the same id, on another message or in another chat.
        assert await uow.updates.first_time((1001, 42, "90"), FIXED_NOW)
        assert await uow.updates.first_time((1001, 43, "7"), FIXED_NOW)
        assert await uow.updates.first_time((1001, 42, "cbq-1001"), FIXED_NOW)


async def test_outbox_returns_only_due_unsent_messages(services: Services) -> None:
    async with services.uow() as uow:
        message = uow.outbox.add(555, "alert", "Flag on C001", FIXED_NOW)
        later = uow.outbox.add(556, "alert", "Flag on C002", FIXED_NOW)
        await uow.flush()
        later.next_attempt_at = FIXED_NOW + timedelta(minutes=5)
        await uow.commit()
    async with services.uow() as uow:
        due = await uow.outbox.due(FIXED_NOW)
        assert [m.id for m in due] == [message.id]
        assert uow.outbox.text(due[0]) == "Flag on C001"
        assert due[0].created_at == FIXED_NOW


async def test_a_page_is_leased_at_once_alerts_first_and_never_twice(services: Services) -> None:
    async with services.uow() as uow:
        reminder = uow.outbox.add(555, "reminder", "Your review is soon", FIXED_NOW)
        alert = uow.outbox.add(556, "flag_alert", "Flag on C001", FIXED_NOW)
        digest = uow.outbox.add(557, "digest", "Your week", FIXED_NOW)
        await uow.commit()
    until = FIXED_NOW + timedelta(minutes=1)
    async with services.uow() as uow:
        only = await uow.outbox.lease_due(FIXED_NOW, until, 10, only=("digest",))
        assert [m.id for m in only] == [digest.id]
        page = await uow.outbox.lease_due(FIXED_NOW, until, 10, first=("flag_alert",))
        assert [m.id for m in page] == [alert.id, reminder.id]
        assert uow.outbox.text(page[0]) == "Flag on C001"
        assert {m.next_attempt_at for m in page} == {until}
        await uow.commit()
    async with services.uow() as uow:
        assert await uow.outbox.lease_due(FIXED_NOW, until, 10) == []
        await uow.outbox.delivered(alert.id, FIXED_NOW)
        await uow.outbox.not_delivered(reminder.id, FIXED_NOW, "server error")
        await uow.commit()
    async with services.uow() as uow:
        again = await uow.outbox.lease_due(FIXED_NOW, until, 10)
        assert [(m.id, m.attempts, m.last_error) for m in again] == [
            (reminder.id, 1, "server error")
        ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(services: Services) -> None:
    async with services.database.engine.connect() as connection:
        journal = await connection.exec_driver_sql("PRAGMA journal_mode")
        timeout = await connection.exec_driver_sql("PRAGMA busy_timeout")
        assert journal.scalar() == "wal"
        assert int(timeout.scalar() or 0) >= 5000
