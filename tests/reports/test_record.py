"""Review-record summaries: what each reader may see, escaping in every format, and auditing."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app import admin
from bot.bootstrap import Services, open_services
from bot.cli.report import report
from bot.settings import Settings
from feedback_reports.record import build_review_record
from feedback_reports.record_model import ReportError
from feedback_reports.render_record import render_html, render_markdown, render_text
from storage.models import Flag
from tests.reports.helpers import Given, at, cli_env, parse_strict, participant, run
from tests.support import FIXED_NOW

NASTY = "<script>alert(1)</script> *bold* _it_ [link](http://x) # > | `code`"
SECRET = "Only my IRO may read this"


async def _seed(services: Services) -> int:
    """A child with a previous and a current review; returns the current review's id."""
    async with services.uow() as uow:
        await admin.add_staff(uow, "iro1", "IRO", "iro", None, FIXED_NOW)
        await uow.flush()
        child = await admin.add_child(
            uow, "C001", FIXED_NOW, birth_date=date(2014, 3, 2), iro_username="iro1"
        )
        await uow.flush()
        before = await admin.add_review(
            uow, "C001", "cla_review", date(2026, 6, 1), date(2026, 6, 1), FIXED_NOW
        )
        now = await admin.add_review(uow, "C001", "cla_review", date(2026, 12, 7), None, FIXED_NOW)
        await uow.flush()
        me = await participant(uow, 42, "child", child.id)
        mum = await participant(uow, 43, "parent", child.id)
        await run(
            uow,
            me,
            before,
            "child_before_review",
            Given("home_feel", "scale", "unhappy", theme="home"),
            Given("school_feel", "scale", "happy", theme="school"),
            Given("family_feel", "scale", "ok", theme="family_contact"),
            started="2026-05-20",
            submitted="2026-05-25",
            share_with="everyone_at_meeting",
        )
        await run(
            uow,
            me,
            now,
            "child_before_review",
            Given("home_feel", "scale", "very_happy", theme="home"),
            Given("school_feel", "scale", "unhappy", theme="school"),
            Given("family_feel", "scale", "ok", theme="family_contact"),
            Given("school_more", "text", text=NASTY, theme="school"),
            Given("who_at_meeting", "multi", "carer,social_worker", theme="meeting"),
            Given("attend", "choice", "chair_part", theme="meeting"),
            Given("talk_to_iro_first", "choice", "yes", theme="iro"),
            Given("advocate", "choice", "already_have", theme="meeting"),
            Given("share_with", "choice", "everyone_at_meeting", theme="meeting"),
            started="2026-11-20",
            submitted="2026-11-21",
            share_with="everyone_at_meeting",
        )
        private = await run(
            uow,
            me,
            now,
            "child_before_review",
            Given("worries", "text", text=SECRET, theme="feelings"),
            started="2026-11-22",
            submitted="2026-11-22",
            share_with="iro",
        )
        await run(
            uow,
            me,
            now,
            "child_before_review",
            Given("worries", "text", text="Never sent", theme="feelings"),
            started="2026-11-23",
            status="reviewing",
        )
        await run(
            uow,
            me,
            None,
            "checkin",
            Given("mood", "scale", "very_unhappy", theme="feelings"),
            started="2026-09-01",
            submitted="2026-09-01",
        )
        await run(
            uow,
            mum,
            now,
            "parent_feedback",
            Given("listened_to", "choice", "partly", theme="iro"),
            Given("better", "text", text="More notice of the date", theme="iro"),
            started="2026-11-24",
            submitted="2026-11-24",
        )
        uow.session.add(
            Flag(
                child_id=child.id,
                run_id=private.id,
                step_id="worries",
                level="urgent",
                categories="self_harm",
                rules="r1",
                text_cipher=uow.cipher.encrypt(SECRET),
                status="acknowledged",
                created_at=at("2026-11-22"),
            )
        )
        await uow.commit()
        return now.id


async def test_the_iro_sees_every_shared_answer_grouped_by_theme(services: Services) -> None:
    review_id = await _seed(services)
    async with services.uow() as uow:
        record = await build_review_record(uow, "C001", now=FIXED_NOW)
    assert record.review_id == review_id and record.child_runs == 2
    titles = {group.theme: group for group in record.themes}
    assert titles["school"].answers[0].answer == NASTY and titles["school"].answers[0].own_words
    assert titles["feelings"].answers[0].answer == SECRET
    assert "Never sent" not in render_text(record)
    part = record.taking_part
    assert (
        part.attend == "I'd like to help run part of it" and part.advocate == "I already have one"
    )
    assert part.talk_to_iro_first == "Yes"
    assert part.who_at_meeting == ("The people I live with", "My social worker")
    assert [(m.words, m.face) for m in record.moods] == [
        ("Really unhappy", "😢"),
        ("Really happy", "😄"),
        ("Unhappy", "🙁"),
        ("OK", "😐"),
    ]
    assert [(c.before, c.now, c.direction) for c in record.changes] == [
        ("Unhappy", "Really happy", "better"),
        ("Happy", "Unhappy", "worse"),
        ("OK", "OK", "same"),
    ]
    assert [(f.level, f.status) for f in record.flags] == [("urgent", "acknowledged")]
    assert record.family[0].role == "parent"
    assert record.family[0].answers[1].answer == "More notice of the date"
    assert record.outcome is None


async def test_an_answer_not_shared_with_a_reader_is_not_in_their_record(
    services: Services,
) -> None:
    await _seed(services)
    async with services.uow() as uow:
        meeting = await build_review_record(uow, "C001", reader="meeting", now=FIXED_NOW)
    async with services.uow() as uow:
        social_worker = await build_review_record(uow, "C001", reader="social_worker")
    for record in (meeting, social_worker):
        for render in (render_text, render_markdown, render_html):
            assert SECRET not in render(record)
        assert record.child_runs == 1 and record.family == ()
        # The child's other run was not shared with them: it is withheld, not unanswered.
        assert record.withheld_runs == 1
        if not record.taking_part.attend:
            assert "not shared with this reader" in render_text(record)
    assert meeting.flags == () and social_worker.flags != ()
    async with services.uow() as uow:
        iro = await build_review_record(uow, "C001", reader="iro", now=FIXED_NOW)
    assert iro.withheld_runs == 0


async def test_every_format_escapes_the_childs_words(services: Services) -> None:
    await _seed(services)
    async with services.uow() as uow:
        record = await build_review_record(uow, "C001", now=FIXED_NOW)
    html = render_html(record)
    parsed = parse_strict(html)
    assert "script" not in parsed.tags and "a" not in parsed.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    markdown = render_markdown(record)
    assert "<script>" not in markdown and r"&lt;script\>alert\(1\)" in markdown
    assert r"\*bold\* \_it\_ \[link\]\(http://x\) \# \> \| \`code\`" in markdown
    text = render_text(record)
    assert all(len(line) <= 80 for line in text.splitlines())
    assert NASTY.split(" [")[0] in " ".join(text.split())
    assert not re.search(r"[\U0001F300-\U0001FAFF]", text), "plain text has no emoji"


async def test_the_outcome_is_shown_in_words_once_recorded(services: Services) -> None:
    review_id = await _seed(services)
    async with services.uow() as uow:
        review = await uow.reviews.get(review_id)
        assert review is not None
        review.held_on, review.participation, review.seen_before = date(2026, 12, 7), "PN6", True
        await uow.commit()
    async with services.uow() as uow:
        record = await build_review_record(uow, "C001", review_id, now=FIXED_NOW)
    assert record.outcome is not None
    assert record.outcome.participation_words == (
        "Did not attend, but conveyed their views another way"
    )
    assert "Participation: PN6 - Did not attend" in render_text(record)


async def test_every_record_is_audited_without_the_childs_words(services: Services) -> None:
    review_id = await _seed(services)
    async with services.uow() as uow:
        await build_review_record(uow, "C001", reader="meeting", actor="iro:7", now=FIXED_NOW)
    async with services.uow() as uow:
        events = await uow.audit.list("report_record_generated")
        assert [(e.actor, e.detail["review_id"], e.detail["reader"]) for e in events] == [
            ("iro:7", review_id, "meeting")
        ]
        assert SECRET not in str(events[0].detail) and events[0].child_id is not None


async def test_unknown_children_reviews_and_readers_are_refused(services: Services) -> None:
    await _seed(services)
    async with services.uow() as uow:
        with pytest.raises(ReportError, match="no child"):
            await build_review_record(uow, "NOPE")
        with pytest.raises(ReportError, match="not one of this child's reviews"):
            await build_review_record(uow, "C001", review_id=999)
        with pytest.raises(ReportError, match="reader must be"):
            await build_review_record(uow, "C001", reader="everyone")  # type: ignore[arg-type]


def test_the_command_writes_each_format_to_a_file(settings: Settings, tmp_path: Path) -> None:
    async def seed() -> None:
        async with open_services(settings, clock=lambda: FIXED_NOW) as services:
            await _seed(services)

    asyncio.run(seed())
    env = cli_env(settings, tmp_path)
    for fmt in ("text", "md", "html"):
        out = tmp_path / f"record.{fmt}"
        args = ["record", "--case-ref", "C001", "--format", fmt, "--out", str(out)]
        result = CliRunner().invoke(report, args, env=env)
        assert result.exit_code == 0, result.output
        assert "C001" in out.read_text(encoding="utf-8")
    missing = CliRunner().invoke(report, ["record", "--case-ref", "NOPE"], env=env)
    assert missing.exit_code == 1 and "no child with case reference 'NOPE'" in missing.output
