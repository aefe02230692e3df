"""Opening a child's invitation in a browser: new, reused, expired, moved with a PIN, reissued."""

from __future__ import annotations

from datetime import timedelta

from bot.app import admin
from bot.app.web_chat import MAX_PIN_TRIES
from bot.bootstrap import Services
from bot.web.chat.app import LINKS_PER_ADDRESS, PREFIX
from tests.support import issue_invitation
from tests.web_chat.support import ChildBrowser


async def _web_chats(services: Services) -> list[tuple[str | None, str | None, int]]:
    async with services.uow() as uow:
        chat = await uow.web_chats.for_child(1)
        return [] if chat is None else [(chat.token_hash, chat.pin_hash, chat.pin_failures)]


async def test_the_first_visit_binds_the_link_to_that_browser_with_only_a_hash_kept(
    services: Services, browsers: list[ChildBrowser]
) -> None:
    child = browsers[0]
    code = await issue_invitation(services, "C001", "child")
    response = await child.client.get(f"{PREFIX}/{code}", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == f"{PREFIX}/"
    cookie = response.cookies["chat"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    token = cookie.value
    [(token_hash, _, _)] = await _web_chats(services)
    assert token_hash is not None and token not in token_hash and len(token) >= 40
    page = await child.get(f"{PREFIX}/")
    assert child.status == 200 and "Get ready for my meeting" in page
    # The invitation is used up: Telegram's /start no longer takes it.
    async with services.uow() as uow:
        invitation = await uow.invitations.by_code(code)
        assert invitation is not None and invitation.used_at is not None


async def test_the_same_browser_opening_the_link_again_goes_back_to_its_chat(
    services: Services, browsers: list[ChildBrowser]
) -> None:
    child = browsers[0]
    code = await issue_invitation(services, "C001", "child")
    await child.open(code)
    before = await _web_chats(services)
    page = await child.open(code)
    assert child.status == 200 and "Get ready for my meeting" in page
    assert await _web_chats(services) == before  # not bound afresh


async def test_another_browser_without_a_pin_is_sent_to_the_iro(
    services: Services, browsers: list[ChildBrowser]
) -> None:
    child, stranger, _ = browsers
    code = await issue_invitation(services, "C001", "child")
    await child.open(code)
    page = await stranger.open(code)
    assert stranger.status == 403 and "open in another browser" in page
    await stranger.get(f"{PREFIX}/")
    assert stranger.status == 403  # no chat here


async def test_an_expired_or_unknown_link_opens_nothing(
    services: Services, browsers: list[ChildBrowser]
) -> None:
    child = browsers[0]
    async with services.uow() as uow:
        issued = await admin.invite_participant(
            uow, services.clock() - timedelta(days=20), 14, "C001", "child"
        )
        await uow.commit()
    page = await child.open(issued.code)
    assert child.status == 410 and "expired" in page
    await child.open("x" * 32)
    assert child.status == 404
    assert await _web_chats(services) == []


async def test_a_parents_link_is_for_telegram(
    services: Services, browsers: list[ChildBrowser]
) -> None:
    code = await issue_invitation(services, "C001", "parent")
    page = await browsers[0].open(code)
    assert browsers[0].status == 403 and "Telegram" in page


async def test_a_pin_moves_the_chat_to_another_browser_and_the_first_loses_it(
    services: Services, browsers: list[ChildBrowser]
) -> None:
    phone, tablet, _ = browsers
    code = await issue_invitation(services, "C001", "child")
    await phone.open(code)
    await phone.get(f"{PREFIX}/pin")
    page = await phone.post(f"{PREFIX}/pin", pin="12a4")
    assert phone.status == 400 and "4 numbers" in page
    page = await phone.post(f"{PREFIX}/pin", pin="2580")
    assert phone.status == 200 and "Your PIN is saved" in page
    [(_, pin_hash, _)] = await _web_chats(services)
    assert pin_hash is not None and "2580" not in pin_hash
    page = await tablet.open(code)
    assert tablet.status == 200 and 'name="pin"' in page
    page = await tablet.post(f"{PREFIX}/{code}/pin", pin="2580")
    assert tablet.status == 200 and "Get ready for my meeting" in page
    await phone.get(f"{PREFIX}/")
    assert phone.status == 403  # one browser at a time


async def test_wrong_pins_are_limited_and_then_only_a_new_link_opens_the_chat(
    services: Services, browsers: list[ChildBrowser]
) -> None:
    phone, thief, _ = browsers
    code = await issue_invitation(services, "C001", "child")
    await phone.open(code)
    await phone.get(f"{PREFIX}/pin")
    await phone.post(f"{PREFIX}/pin", pin="2580")
    await thief.open(code)
    for tries_left in range(MAX_PIN_TRIES - 1, 0, -1):
        page = await thief.post(f"{PREFIX}/{code}/pin", pin="0000")
        assert thief.status == 403 and f"try {tries_left} more" in page
    page = await thief.post(f"{PREFIX}/{code}/pin", pin="0000")
    assert "Ask your IRO for a new link" in page
    # Even the right PIN is refused now; the child's own browser still has the chat.
    await thief.post(f"{PREFIX}/{code}/pin", pin="2580")
    assert thief.status == 403
    await phone.get(f"{PREFIX}/")
    assert phone.status == 200
    async with services.uow() as uow:
        refused = await uow.audit.list("web_chat_pin_refused")
    assert len(refused) == MAX_PIN_TRIES


async def test_a_reissued_link_ends_the_old_binding_and_carries_the_answers_on(
    services: Services, browsers: list[ChildBrowser]
) -> None:
    lost_phone, new_phone, _ = browsers
    first = await issue_invitation(services, "C001", "child")
    await lost_phone.open(first)
    await lost_phone.post(f"{PREFIX}/start", purpose="review")
    await lost_phone.press("Really happy")
    asked = lost_phone.fields["step"]
    await lost_phone.get(f"{PREFIX}/pin")
    await lost_phone.post(f"{PREFIX}/pin", pin="2580")
    second = await issue_invitation(services, "C001", "child")  # the IRO reissues
    await lost_phone.get(f"{PREFIX}/")
    assert lost_phone.status == 403
    # The old link opens nothing any more, with or without the old PIN.
    await new_phone.open(first)
    assert new_phone.status == 403 and 'name="pin"' not in new_phone.page
    await new_phone.open(second)
    assert new_phone.status == 200
    # Same chat, same step: the answer given on the lost phone is in the conversation.
    assert new_phone.fields["step"] == asked != "home_feel"
    assert "How do things feel where you live?" in new_phone.page
    assert "Really happy" in new_phone.page
    [(_, pin_hash, _)] = await _web_chats(services)
    assert pin_hash is None


async def test_opening_links_is_rate_limited_per_address(browsers: list[ChildBrowser]) -> None:
    guesser = browsers[0]
    attempts, _ = LINKS_PER_ADDRESS
    for _ in range(attempts):
        await guesser.open("y" * 32)
        assert guesser.status == 404
    page = await guesser.open("y" * 32)
    assert guesser.status == 429 and "wait a minute" in page
