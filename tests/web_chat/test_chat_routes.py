"""The chat by plain form posts: a whole flow, screening, replays, forged buttons, safety."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.app.reminders import queue_due_reminders
from bot.app.texts import message
from bot.bootstrap import Services, build_core
from bot.web.chat.app import PREFIX
from storage.models import Flag, OutboxMessage, Participant, Run
from tests.e2e.conftest import IRO_ID, seed_case
from tests.support import issue_invitation
from tests.web_chat.conftest import OpenChat
from tests.web_chat.support import ChildBrowser, answer_until_summary, button_labels, chat_site

DISCLOSURE = "my stepdad hits me when mum is at work"
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
LOCAL_PHONE = {"out_of_hours_phone": "0300 123 4567"}


async def _runs(services: Services) -> list[tuple[int, str]]:
    """Each run's id and status."""
    async with services.uow() as uow:
        rows = await uow.session.execute(select(Run.id, Run.status))
        return [(run_id, status) for run_id, status in rows]


async def _getting_ready(child_in_chat: OpenChat) -> ChildBrowser:
    """A child in the chat who has pressed "Get ready for my meeting"."""
    child = await child_in_chat()
    await child.post(f"{PREFIX}/start", purpose="review")
    return child


async def test_a_child_answers_changes_an_answer_and_sends_by_plain_posts(
    services: Services, child_in_chat: OpenChat
) -> None:
    child = await _getting_ready(child_in_chat)
    assert "How do things feel where you live?" in child.page
    await child.press("Really happy")
    summary = await answer_until_summary(child)
    assert "Really happy" in summary
    await child.press("Change 1")
    assert "How do things feel where you live?" in child.page
    await child.press("Unhappy")
    # Back at the summary, with the new answer; then Send.
    assert "Change 1" in button_labels(child.page) and "🙁 Unhappy" in child.page
    await child.press("Send")
    assert child.status == 200
    assert [status for _, status in await _runs(services)] == ["submitted"]
    assert "Get ready for my meeting" in child.page  # nothing open: the start buttons again
    page = await child.get(f"{PREFIX}/answers")
    assert "🙁 Unhappy" in page and "Who can see it" in page
    async with services.uow() as uow:
        assert len(await uow.audit.list("own_answers_read")) == 1


async def test_an_urgent_disclosure_gets_the_support_reply_and_alerts_the_iro(
    services: Services, child_in_chat: OpenChat
) -> None:
    child = await _getting_ready(child_in_chat)
    await child.press("OK")
    page = await child.type(DISCLOSURE)
    support = message("safety.urgent")
    assert 'role="alert"' in page and "You did the right thing." in page
    assert support.splitlines()[0] in page
    async with services.uow() as uow:
        flags = (await uow.session.execute(select(Flag.id, Flag.level, Flag.child_id))).all()
        alerts = (
            await uow.session.execute(select(OutboxMessage.chat_id, OutboxMessage.flag_id))
        ).all()
    [(flag_id, level, child_id)] = flags
    assert (level, child_id) == ("urgent", 1)
    assert [tuple(alert) for alert in alerts if alert[0] == IRO_ID] == [(IRO_ID, flag_id)]
    # The words never reach the title or the address; the page is not kept by the browser.
    assert TITLE.search(page).group(1).strip() == "My Say"  # type: ignore[union-attr]
    response = await child.client.get(f"{PREFIX}/")
    assert response.headers["Cache-Control"] == "no-store"
    assert DISCLOSURE not in str(response.url)


async def test_a_form_sent_twice_counts_once(services: Services, child_in_chat: OpenChat) -> None:
    child = await _getting_ready(child_in_chat)
    form = {**child.fields, "do": button_labels(child.page)["😄 Really happy"]}
    await child.post(f"{PREFIX}/answer", **form)
    step_after = child.fields["step"]
    await child.post(f"{PREFIX}/answer", **form)  # reload, or a double tap
    assert child.fields["step"] == step_after
    async with services.uow() as uow:
        [(run_id, _)] = await _runs(services)
        assert [a.step_id for a in await uow.runs.answers(run_id)] == ["home_feel"]


async def test_a_forged_or_stale_button_changes_nothing(
    services: Services, child_in_chat: OpenChat
) -> None:
    child = await _getting_ready(child_in_chat)
    stale = dict(child.fields)
    await child.press("Really happy")
    # The same question's button again, and another run's, are both turned away.
    await child.post(f"{PREFIX}/answer", **{**stale, "n": child.fields["n"], "do": "choose:sad"})
    assert child.status == 200 and message("notice.stale_button") in child.page
    assert child.fields["step"] == "home_more"  # still where the run is
    await child.post(f"{PREFIX}/answer", **{**child.fields, "run": "999", "do": "send:"})
    await child.post(f"{PREFIX}/answer", **{**child.fields, "do": "explode:now"})
    assert child.status == 400
    assert [status for _, status in await _runs(services)] == ["waiting"]


async def test_posts_need_the_form_token_and_pages_the_security_headers(
    child_in_chat: OpenChat,
) -> None:
    child = await child_in_chat()
    response = await child.client.post(f"{PREFIX}/start", data={"purpose": "review", "n": "-5"})
    assert response.status == 403
    response = await child.client.get(f"{PREFIX}/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    page = await response.text()
    assert "<script>" not in page and " style=" not in page and " on" + "click" not in page


async def test_every_page_stays_small_and_shows_help_now_and_quick_exit(
    services: Services, child_in_chat: OpenChat
) -> None:
    child = await _getting_ready(child_in_chat)
    await child.press("Really happy")
    pages = [child.page]
    summary = await answer_until_summary(child)
    pages.append(summary)
    for path in ("/", "/answers", "/note", "/pin", "/assets/chat.js", "/assets/chat.css"):
        pages.append(await child.get(PREFIX + path))
    for page in pages:
        assert len(page.encode()) < 100_000
    for page in pages[:-2]:
        assert "Childline: 0800 1111" in page and "tel:999" in page
        assert 'class="quick-exit"' in page


async def test_the_iros_note_after_the_meeting_reaches_the_web_chat(
    services: Services, child_in_chat: OpenChat
) -> None:
    child = await child_in_chat()
    async with services.uow() as uow:
        review = await uow.reviews.next_for_child(1, services.clock().date())
        assert review is not None
        review.held_on = services.clock().date()
        uow.reviews.encrypt_note(review, "It was good to hear from you. See you soon.")
        await uow.commit()
    page = await child.get(f"{PREFIX}/note")
    assert "It was good to hear from you." in page
    async with services.uow() as uow:
        assert len(await uow.audit.list("meeting_note_read")) == 1


async def test_help_now_gives_the_local_out_of_hours_number_from_settings(
    services: Services,
) -> None:
    local = replace(services, settings=services.settings.model_copy(update=LOCAL_PHONE))
    await seed_case(local)
    code = await issue_invitation(local, "C001", "child")
    async with TestClient(TestServer(chat_site(build_core(local)))) as client:
        child = ChildBrowser(client)
        page = await child.open(code)
    assert "Out of hours: 0300 123 4567" in page and 'href="tel:03001234567"' in page


async def test_saving_for_later_and_a_reminder_name_the_chats_buttons_not_commands(
    services: Services, child_in_chat: OpenChat
) -> None:
    child = await _getting_ready(child_in_chat)
    await answer_until_summary(child)
    page = await child.press("Save for later")
    assert message("flow.saved", web=True) in page and "/review" not in page
    # The review is a week away: the reminder is left for the chat, worded for it.
    assert await queue_due_reminders(services) >= 1
    page = await child.get(f"{PREFIX}/note")
    assert '"Get ready for my meeting"' in page.replace("&#34;", '"') and "/review" not in page


async def _typed_answers(services: Services) -> dict[str, str | None]:
    """The typed answers stored, by step."""
    async with services.uow() as uow:
        [(run_id, _)] = await _runs(services)
        answers = await uow.runs.answers(run_id)
        return {a.step_id: uow.runs.answer_text(a) for a in answers if a.text_cipher}


def _box(page: str) -> str:
    """What the answer box holds."""
    found = re.search(r'<textarea id="words"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no answer box"
    return html.unescape(found.group(1))


async def test_words_over_the_flows_limit_are_refused_and_kept_whole_in_the_box(
    services: Services, child_in_chat: OpenChat
) -> None:
    child = await _getting_ready(child_in_chat)
    await child.press("Really happy")
    assert child.fields["step"] == "home_more"
    too_long = " ".join(["wordy"] * 840)  # 5,039 characters: the flow takes 4,096
    await child.type(too_long)
    assert "please keep it under 4096 characters" in child.page
    assert _box(child.page) == too_long and child.fields["step"] == "home_more"
    assert await _typed_answers(services) == {}
    # Longer than the browser used to allow (2,000), within the flow's limit: taken whole.
    long = "x" * 2500 + " & <the end>"
    await child.type(long)
    assert await _typed_answers(services) == {"home_more": long}
    assert _box(child.page) == ""


async def test_a_command_typed_in_the_chat_is_answered_as_telegram_answers_it(
    services: Services, child_in_chat: OpenChat
) -> None:
    child = await _getting_ready(child_in_chat)
    await child.press("Really happy")
    await child.type("/foo")
    assert html.unescape(message("refusal.unknown_command.web_chat")) in html.unescape(child.page)
    assert _box(child.page) == "/foo" and child.fields["step"] == "home_more"
    assert await _typed_answers(services) == {}
    # Words that only contain a slash are an answer.
    await child.type("1/2 of the time")
    assert await _typed_answers(services) == {"home_more": "1/2 of the time"}


async def test_worrying_words_after_a_command_are_screened_and_kept(
    services: Services, child_in_chat: OpenChat
) -> None:
    child = await _getting_ready(child_in_chat)
    await child.press("Really happy")
    typed = f"/help {DISCLOSURE}"
    await child.type(typed)
    assert 'role="alert"' in child.page and "You did the right thing." in child.page
    assert _box(child.page) == typed and await _typed_answers(services) == {}
    async with services.uow() as uow:
        assert (await uow.session.execute(select(Flag.level))).scalars().all() == ["urgent"]


async def test_an_empty_answer_is_refused_in_the_childs_language(
    services: Services, child_in_chat: OpenChat
) -> None:
    child = await _getting_ready(child_in_chat)
    await child.press("Really happy")
    async with services.uow() as uow:
        for participant in await uow.session.scalars(select(Participant)):
            participant.locale = "cy"
        await uow.commit()
    await child.type("   ")
    assert html.unescape(message("web.empty_answer", "cy")) in html.unescape(child.page)
