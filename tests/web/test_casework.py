"""The IRO's pages do what the bot's commands do: caseload, a child's views (audited, with a
read receipt), flags, requests, the outcome with /outcome's checks, invitations."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from bot.app import admin
from storage.models import OutboxMessage
from tests.web.conftest import CHILD_TG, Site, add_child_activity


async def _outbox(site: Site, purpose: str) -> list[int]:
    """The chats messages for `purpose` are queued to."""
    async with site.services.uow() as uow:
        query = select(OutboxMessage.chat_id).where(OutboxMessage.purpose == purpose)
        return list(await uow.session.scalars(query))


async def test_the_caseload_lists_only_my_children(site: Site) -> None:
    await add_child_activity(site.services)
    await site.sign_in_as("iro1")
    page = await (await site.client.get("/staff/caseload")).text()
    assert "C001" in page and "C002" not in page
    assert 'class="badge warn">1<' in page  # the open flag
    await site.sign_in_as("manager1")
    page = await (await site.client.get("/staff/caseload")).text()
    assert "C001" in page and "C002" in page


async def test_the_caseload_sorts_case_references_in_any_capitals(site: Site) -> None:
    async with site.services.uow() as uow:
        now = site.services.clock()
        await admin.add_child(uow, "fx-1002", now, birth_date=date(2014, 2, 3))
        await admin.add_child(uow, "FX-1003", now, birth_date=date(2014, 2, 3))
        await admin.add_child(uow, "b-7", now, birth_date=date(2014, 2, 3))
        await uow.commit()
    await site.sign_in_as("manager1")
    page = await (await site.client.get("/staff/caseload")).text()
    rows = re.findall(r'<th scope="row"><a href="[^"]*">([^<]+)</a>', page)
    assert rows == ["b-7", "C001", "C002", "fx-1002", "FX-1003"]


async def test_reading_a_childs_views_is_audited_and_sends_a_receipt(site: Site) -> None:
    await add_child_activity(site.services)
    await site.sign_in_as("iro1")
    response = await site.client.get("/staff/children/C001")
    page = await response.text()
    assert response.status == 200 and "Case C001" in page
    assert "<title>Case C001 - My Say staff</title>" in page  # no words in the title
    assert response.headers["Cache-Control"] == "no-store"
    assert len(await _outbox(site, "read_receipt")) == 1
    await site.client.get("/staff/children/C001")
    assert len(await _outbox(site, "read_receipt")) == 1  # read once, told once
    async with site.services.uow() as uow:
        reads = await uow.audit.list("report_record_generated")
    assert len(reads) == 2


async def test_a_flag_is_read_acknowledged_and_closed_with_a_note(site: Site) -> None:
    await add_child_activity(site.services)
    await site.sign_in_as("iro1")
    queue = await (await site.client.get("/staff/flags")).text()
    assert "#1" in queue and "urgent" in queue and "flagged" not in queue  # no words listed
    words = await (await site.client.get("/staff/flags/1")).text()
    assert "an example of words that were flagged" in words
    acknowledged = await site.post("/staff/flags/1/acknowledge")
    assert acknowledged.headers["Location"] == "/staff/flags?done=acknowledged"
    refused = await site.post("/staff/flags/1/close", {"note": "  "})
    assert refused.status == 400 and "before closing" in await refused.text()
    closed = await site.post("/staff/flags/1/close", {"note": "Spoke to the child today."})
    assert closed.status == 303
    assert "No open flags" in await (await site.client.get("/staff/flags")).text()
    async with site.services.uow() as uow:
        actions = [e.action for e in await uow.audit.list() if e.action.startswith("flag_")]
        flag = await uow.flags.get(1)
        assert flag is not None and uow.flags.close_note(flag) == "Spoke to the child today."
    assert actions == ["flag_words_read", "flag_acknowledged", "flag_words_read", "flag_closed"]


async def test_requests_are_seen_on_opening_and_done_with_a_note(site: Site) -> None:
    await add_child_activity(site.services)
    await site.sign_in_as("iro1")
    page = await (await site.client.get("/staff/requests")).text()
    assert "A talk with their IRO" in page
    assert len(await _outbox(site, "request_seen")) == 1
    done = await site.post("/staff/requests/1/done", {"note": "I will call on Friday."})
    assert done.headers["Location"] == "/staff/requests?done=1"
    assert await _outbox(site, "request_done") == [CHILD_TG]
    assert "No open requests" in await (await site.client.get("/staff/requests")).text()


OUTCOME = {
    "held_on": "07/12/2026",
    "in_timescale": "yes",
    "participation": "pn1",
    "seen_before": "yes",
    "note_to_child": "We agreed you stay where you are.",
}


async def test_the_outcome_form_offers_what_the_bot_offers(site: Site) -> None:
    await site.sign_in_as("iro1")
    page = await (await site.client.get("/staff/children/C001/outcome")).text()
    assert "How did the child take part?" in page
    assert 'value="pn1"' in page and 'value="pn0"' not in page  # C001 is 13


async def test_the_outcome_form_names_the_stored_case_and_gives_one_example_date(
    site: Site,
) -> None:
    await site.sign_in_as("iro1")
    page = await (await site.client.get("/staff/children/c001/outcome")).text()
    assert "Record the outcome: case C001" in page and "c001" not in page
    assert set(re.findall(r"\b\d\d/\d\d/\d{4}\b", page)) == {"25/12/2024"}
    missing = await site.client.get("/staff/children/c001/outcome?due=2026-01-01")
    assert missing.status == 404 and "case C001" in await missing.text()


@pytest.mark.parametrize(
    ("held_on", "words"),
    [("01/12/2027", "still to come"), ("31/02/2026", "like 25/12/2024"), ("", "")],
)
async def test_the_outcome_form_refuses_what_outcome_refuses(
    site: Site, held_on: str, words: str
) -> None:
    site.clock.now = site.clock.now.replace(year=2026, month=12, day=8)
    await site.sign_in_as("iro1")
    response = await site.post("/staff/children/C001/outcome", {**OUTCOME, "held_on": held_on})
    assert response.status == 400
    page = await response.text()
    assert 'aria-invalid="true"' in page and words in page
    async with site.services.uow() as uow:
        child = await uow.children.by_case_ref("C001")
        assert child is not None
        review = await uow.reviews.latest_for_child(child.id, date(2026, 12, 8))
        assert review is not None and review.participation is None


async def test_an_outcome_long_before_the_due_day_is_confirmed_first(site: Site) -> None:
    site.clock.now = site.clock.now.replace(month=12, day=8)
    await site.sign_in_as("iro1")
    early = {**OUTCOME, "held_on": "01/10/2026"}
    asked = await site.post("/staff/children/C001/outcome", early)
    assert asked.status == 400 and 'name="confirm_held_on"' in await asked.text()
    confirmed = await site.post(
        "/staff/children/C001/outcome", {**early, "confirm_held_on": "yes"}
    )
    assert confirmed.status == 200 and "Outcome recorded" in await confirmed.text()


async def test_the_meeting_the_form_offers_by_default_can_be_saved_months_later(
    site: Site,
) -> None:
    # 91 days after C001's meeting: the latest one, but outside the list of recent ones.
    site.clock.now = site.clock.now.replace(year=2027, month=3, day=8)
    await site.sign_in_as("iro1")
    form = await (await site.client.get("/staff/children/C001/outcome")).text()
    assert 'name="due" value="2026-12-07"' in form
    response = await site.post("/staff/children/C001/outcome", {**OUTCOME, "due": "2026-12-07"})
    assert response.status == 200 and "Outcome recorded" in await response.text()
    async with site.services.uow() as uow:
        child = await uow.children.by_case_ref("C001")
        assert child is not None
        review = await uow.reviews.latest_for_child(child.id, date(2027, 3, 8))
        assert review is not None and review.participation == "PN1"


async def test_an_outcome_is_recorded_and_the_note_queued_for_the_child(site: Site) -> None:
    await add_child_activity(site.services)
    site.clock.now = site.clock.now.replace(month=12, day=8)
    await site.sign_in_as("iro1")
    response = await site.post("/staff/children/C001/outcome", OUTCOME)
    assert response.status == 200 and "Outcome recorded" in await response.text()
    async with site.services.uow() as uow:
        child = await uow.children.by_case_ref("C001")
        assert child is not None
        review = await uow.reviews.latest_for_child(child.id, date(2026, 12, 8))
        assert review is not None
        assert (review.held_on, review.participation, review.seen_before) == (
            date(2026, 12, 7),
            "PN1",
            True,
        )
        recorded = await uow.audit.list("outcome_recorded")
        iro = await uow.staff.by_username("iro1")
        assert iro is not None and [e.actor for e in recorded] == [f"staff:{iro.id}"]
    assert await _outbox(site, "meeting_note") == [CHILD_TG]


async def test_an_invitation_comes_with_a_qr_code(site: Site) -> None:
    await site.sign_in_as("iro1")
    form = await (await site.client.get("/staff/children/C001/invite")).text()
    assert 'name="role"' in form
    made = await site.post("/staff/children/C001/invite", {"role": "parent"})
    page = await made.text()
    assert made.status == 200 and "<svg" in page and "QR code" in page
    assert "one-time invitation for the parent" in page
    async with site.services.uow() as uow:
        assert await uow.invitations.roles_invited([1]) == {(1, "parent")}
    bad = await site.post("/staff/children/C001/invite", {"role": "manager"})
    assert bad.status == 400
