"""Retention deletes exactly what is past its keeping period, in batches; a dry run nothing."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from bot.app.retention import (
    RetentionCounts,
    count_past_retention,
    enforce_retention,
    months_before,
)
from bot.bootstrap import Services, build_core, open_services
from bot.settings import Settings, SettingsError, load_settings
from bot.telegram.application import build_application
from storage.models import (
    Answer,
    AnswerSummary,
    AuditEvent,
    Flag,
    OutboxMessage,
    Review,
    Run,
    RunSummary,
)
from tests.lifecycle.helpers import (
    Seeded,
    add_child,
    add_event,
    add_flag,
    add_run,
    at,
    audit_actions,
    count,
    ids,
    link,
)
from tests.reports.helpers import cli_env
from tests.support import mysay

# With the test clock at 2026-11-30: answers before 2024-11-30, flags and audit before 2020-11-30.
EXPECTED = RetentionCounts(runs=4, answers=5, notes=2, flags=1, audit_events=2)
NO_HISTORY = "care episodes: 0, plans: 0, iro allocations: 0, challenges: 0"


class World:
    """Five children; what each keeps or loses is said beside it in `seed`."""

    old: Seeded
    ancient: Seeded
    current: Seeded
    new: Seeded
    lost: Seeded
    kept_runs: set[int]
    kept_flags: set[int]


async def seed(services: Services) -> World:
    world = World()
    async with services.uow() as uow:
        # Last met 2024-06-01: answers past their time, its flag not yet.
        old = await add_child(uow, "R-OLD", "2018-01-01", [("2024-06-01", "2024-06-01")], "n1")
        child, parent = await link(uow, old, 11, "child"), await link(uow, old, 12, "parent")
        old_run = await add_run(uow, old, child, "2024-05-20", words="old child words")
        await add_run(uow, old, parent, "2024-06-02", words="old parent", choice="4")
        # Touched last month: kept, whatever the child's last meeting.
        recent = await add_run(uow, old, child, "2026-10-01", words="recent", review=False)
        await add_flag(uow, old, "old words", "2024-06-01", closed="2024-06-10", run_id=old_run)
        # Last met 2019: answers and the closed flag go; the open flag never does.
        ancient = await add_child(
            uow, "R-ANCIENT", "2014-01-01", [("2019-03-01", "2019-03-01")], "n2"
        )
        await add_run(uow, ancient, await link(uow, ancient, 21, "child"), "2019-02-20", words="w")
        closed = await add_flag(uow, ancient, "ancient words", "2019-02-25", closed="2019-04-01")
        open_flag = await add_flag(uow, ancient, "still open", "2019-02-25")
        uow.outbox.add(9001, "flag_alert", "alert", at("2019-02-25"), flag_id=closed)
        # A meeting still to come: nothing goes, however old.
        current = await add_child(
            uow, "R-NOW", "2018-01-01", [("2024-01-01", "2024-01-01"), ("2027-01-10", None)], "n3"
        )
        now_run = await add_run(
            uow, current, await link(uow, current, 31, "child"), "2023-12-20", words="w"
        )
        # No meeting recorded: counted from when the child was added.
        new = await add_child(uow, "R-NEW", "2026-06-01")
        new_run = await add_run(
            uow, new, await link(uow, new, 41, "child"), "2026-07-01", words="w"
        )
        lost = await add_child(uow, "R-LOST", "2020-01-01")
        await add_run(uow, lost, await link(uow, lost, 51, "child"), "2021-03-01", words="w")
        for when in ("2019-01-01", "2020-11-29"):
            add_event(uow, when, "old_event")
        for when in ("2020-12-01", "2026-01-01"):
            add_event(uow, when, "kept_event")
        await uow.commit()
    world.old, world.ancient, world.current, world.new, world.lost = (
        old,
        ancient,
        current,
        new,
        lost,
    )
    world.kept_runs = {recent, now_run, new_run}
    world.kept_flags = set(old.flag_ids) | {open_flag}
    return world


async def test_a_dry_run_counts_what_is_past_its_time_and_deletes_nothing(
    services: Services,
) -> None:
    await seed(services)
    tables = (Run, Answer, Flag, AuditEvent, OutboxMessage)
    before = [await count(services, table) for table in tables]

    assert await count_past_retention(services) == EXPECTED

    assert [await count(services, table) for table in tables] == before
    assert await count(services, RunSummary) == 0


async def test_a_real_run_deletes_exactly_what_is_past_its_time_in_batches(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    world = await seed(services)
    progress: list[tuple[str, int, int]] = []

    done = await enforce_retention(services, progress=lambda *line: progress.append(line), batch=1)

    assert done == EXPECTED
    assert progress[:4] == [("runs", 1, 1), ("runs", 1, 2), ("runs", 1, 3), ("runs", 1, 4)]
    assert ("audit_events", 1, 2) in progress
    assert await ids(services, Run) == world.kept_runs
    assert await ids(services, Flag) == world.kept_flags
    assert await count(services, Answer) == len(world.kept_runs)  # one answer in words each
    assert await count(services, OutboxMessage) == 0  # the deleted flag's alert
    async with services.uow() as uow:
        notes = {
            review.id: uow.reviews.note_to_child(review)
            for review in await uow.session.scalars(select(Review))
        }
        old_flag = await uow.flags.get(world.old.flag_ids[0])
        assert old_flag is not None and old_flag.run_id is None
        assert uow.flags.text(old_flag) == "old words"
        kept = list(await uow.session.scalars(select(AuditEvent.at).order_by(AuditEvent.at)))
    assert notes == {
        world.old.review_ids[0]: None,
        world.ancient.review_ids[0]: None,
        world.current.review_ids[0]: "n3",
        world.current.review_ids[1]: "n3",
    }
    assert kept[:2] == [at("2020-12-01"), at("2026-01-01")]
    # Each deleted run leaves a summary; of the words, only the parent's chosen option.
    assert await count(services, RunSummary) == EXPECTED.runs
    assert await count(services, AnswerSummary) == 1

    again = await enforce_retention(services, batch=1)
    assert again.total == 0
    assert "retention deleted 4 runs, 5 answers" in caplog.text
    assert "old child words" not in caplog.text and "old parent" not in caplog.text
    assert (await audit_actions(services)).count("retention_enforced") == 1


def test_months_are_calendar_months_ending_on_the_last_day_if_need_be() -> None:
    assert months_before(at("2026-11-30"), 24) == at("2024-11-30")
    assert months_before(at("2026-03-31"), 1) == at("2026-02-28")
    assert months_before(at("2024-02-29"), 12) == at("2023-02-28")
    assert months_before(at("2026-01-15"), 13) == at("2024-12-15")


def test_keeping_periods_default_to_policy_and_flags_never_shorter_than_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (
        defaults.keep_answers_months,
        defaults.keep_flags_months,
        defaults.keep_audit_months,
        defaults.keep_episodes_months,
    ) == (24, 72, 72, 36)
    with pytest.raises(ValidationError, match="at least MYSAY_KEEP_ANSWERS_MONTHS"):
        Settings(keep_answers_months=36, keep_audit_months=12, _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="at least MYSAY_KEEP_ANSWERS_MONTHS"):
        Settings(keep_episodes_months=12, _env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("MYSAY_KEEP_FLAGS_MONTHS", "7")
    with pytest.raises(SettingsError, match="MYSAY_KEEP_FLAGS_MONTHS is invalid"):
        load_settings()


async def test_the_bot_enforces_retention_daily(services: Services) -> None:
    application = build_application(build_core(services))
    assert application.job_queue is not None
    assert [job.name for job in application.job_queue.get_jobs_by_name("retention")] == [
        "retention"
    ]


def test_the_command_prints_counts_on_a_dry_run_and_progress_on_a_real_one(
    settings: Settings, tmp_path: Path
) -> None:
    env = cli_env(settings, tmp_path)
    long_ago = datetime.now(UTC) - timedelta(days=3650)

    async def seed_long_ago() -> None:
        async with open_services(settings) as services, services.uow() as uow:
            day = f"{long_ago:%Y-%m-%d}"
            child = await add_child(uow, "CLI-1", day, [(day, day)])
            await add_run(uow, child, await link(uow, child, 7, "child"), day, words="secret")
            uow.audit.record(long_ago, "cli", "old_event")
            await uow.commit()

    asyncio.run(seed_long_ago())

    dry = mysay("retention", "run", "--dry-run", env=env)
    assert dry.exit_code == 0, dry.output
    assert (
        "Would delete runs: 1, answers: 1, notes: 0, flags: 0, audit events: 1, "
        f"{NO_HISTORY}. "
        "Nothing was deleted (dry run)." in dry.output
    )
    real = mysay("retention", "run", env=env)
    assert real.exit_code == 0, real.output
    assert "runs: deleted 1 (1 so far)" in real.output
    assert "audit events: deleted 1 (1 so far)" in real.output
    deleted = f"Deleted runs: 1, answers: 1, notes: 0, flags: 0, audit events: 1, {NO_HISTORY}."
    assert deleted in real.output
    assert "secret" not in dry.output + real.output
    again = mysay("retention", "run", "--dry-run", env=env)
    nothing = (
        f"Would delete runs: 0, answers: 0, notes: 0, flags: 0, audit events: 0, {NO_HISTORY}."
    )
    assert nothing in again.output
