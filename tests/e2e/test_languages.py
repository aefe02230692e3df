"""Children and parents use My Say in their own language, end to end in the emulator.

Every expected word is looked up where the bot looks it up (the catalogue, the flow file),
so the tests read the same before and after a translation is reviewed; that nothing falls
back to English is `tests/languages/test_every_flow_in_every_language.py`'s job.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.app.reminders import queue_due_reminders, reminder_text
from bot.app.texts import message
from bot.emulator import SentMessage
from bot.settings import Settings
from bot.telegram.commands import COMMANDS
from bot.telegram.handlers.context import KEY
from conversations import messages as engine
from conversations.flow_check import load_flows
from conversations.flow_ids import FlowId
from conversations.languages import SUPPORTED, native_name
from conversations.messages import localise
from feedback_reports.render_record import render_html, render_text
from storage.models import Answer, Flag, Participant, Review, Run
from tests.e2e.conftest import CHILD_ID, IRO_ID, PARENT_ID, RunningBot, StartBot, seed_case
from tests.e2e.driver import Person, join, labels
from tests.support import MutableClock

pytestmark = pytest.mark.e2e

FLOWS = load_flows()
# "The meeting was good and the IRO listened to us": words the screener cannot read.
WORDS = "كان الاجتماع جيدا واستمع إلينا"
NOTE = "You will stay with your foster family and see your brother every week."


@pytest.fixture
def bot_settings(bot_settings: Settings) -> Settings:
    """Every language offered, as a service does once each has been reviewed."""
    return bot_settings.model_copy(update={"languages": SUPPORTED})


async def _question(person: Person, locale: str) -> SentMessage:
    """The next message that waits for an answer, as `Person.question` in `locale`."""
    type_below = message("question.type_below", locale)
    return await person.read(
        lambda m: bool(m.buttons) or (type_below in (m.text or "") and not m.edited)
    )


async def _answer_all(person: Person, first: SentMessage, locale: str, typed: str) -> SentMessage:
    """Answer every question (the first option, or `typed`) in `locale`; give the summary."""
    change = message("button.change", locale, number=1)
    done = message("button.done", locale)
    message_, type_below = first, message("question.type_below", locale)
    for _ in range(40):
        shown = labels(message_)
        if change in shown:
            return message_
        if type_below in (message_.text or ""):
            await person.type(typed)
        elif done in shown:
            await person.press(shown[0], message_)
            await person.read(lambda m: m.edited)
            await person.press(done, message_)
        else:
            await person.press(shown[0], message_)
        message_ = await _question(person, locale)
    raise AssertionError("the flow never reached its summary")


async def _choose(person: Person, language: str) -> SentMessage:
    """Press the chooser's button for `language`, named in itself."""
    chooser = await person.read(lambda m: native_name(language) in labels(m))
    await person.press(native_name(language), chooser)
    return chooser


async def _locales(bot: RunningBot, flow_id: str) -> tuple[list[str], list[str]]:
    async with bot.services.uow() as uow:
        runs = (await uow.session.scalars(select(Run).where(Run.flow_id == flow_id))).all()
        people = (await uow.session.scalars(select(Participant))).all()
        return [run.locale for run in runs], [p.locale for p in people]


async def _review_ids(bot: RunningBot) -> list[int]:
    """The child's meetings, held ones first."""
    async with bot.services.uow() as uow:
        reviews = (await uow.session.scalars(select(Review).order_by(Review.due_date))).all()
        return [review.id for review in reviews]


async def _outcome_question(iro: Person) -> SentMessage:
    """The outcome flow's next question, passing over alerts about the child's words."""
    type_below = message("question.type_below", "en")
    return await iro.read(
        lambda m: (
            (bool(m.buttons) and all((data or "").startswith("r1|") for _, data in m.buttons))
            or (type_below in (m.text or "") and not m.edited)
        )
    )


async def _record_outcome(bot: RunningBot, clock: MutableClock) -> None:
    """The IRO (in English) records the held meeting, with a note to the child."""
    iro = bot.person(IRO_ID)
    await join(iro, await bot.invite_staff("iro1"))
    clock.advance(days=8)
    await iro.type("/outcome C001")
    await _outcome_question(iro)
    await iro.type("07/12/2026")
    await iro.press("Yes", await _outcome_question(iro))
    await iro.press("PN1", await _outcome_question(iro))
    await iro.press("Yes", await _outcome_question(iro))
    await _outcome_question(iro)
    await iro.type(NOTE)
    summary = await iro.read(lambda m: not m.edited and any("Send" in t for t, _ in m.buttons))
    await iro.press("Send", summary)
    await iro.read_until("Outcome recorded")


async def test_a_child_chooses_welsh_and_gets_ready_reminded_and_told_the_outcome_in_it(
    bot: RunningBot, clock: MutableClock
) -> None:
    child = bot.person(CHILD_ID)
    bot.emulator.state.register_user(CHILD_ID, language_code="cy-GB")
    welcome = await join(child, await bot.invite("C001", "child"))
    # The phone says Welsh: the welcome is in Welsh, with the languages offered below it.
    assert (welcome.text or "").startswith(message("welcome.child", "cy"))
    chooser = await _choose(child, "cy")
    assert chooser.text == message("language.choose", "cy")
    assert labels(chooser)[0] == "Cymraeg"
    assert message("notice.language_changed", "cy") in ((await child.read()).text or "")
    menu = await bot.emulator.commands({"type": "chat", "chat_id": CHILD_ID})
    assert [c["description"] for c in menu] == [
        c.description for c in COMMANDS.menu("child", "cy")
    ]

    # Monday 30 November: the reminder for Monday 7 December, in Welsh with a Welsh date.
    assert await queue_due_reminders(bot.services) >= 1
    deliver = bot.application.bot_data[KEY].deliver_outbox
    await deliver()
    reminder = await child.read()
    today = clock().date()
    assert reminder.text == reminder_text("child", "cla_review", date(2026, 12, 7), today, "cy")
    assert "ddydd Llun 7 Rhagfyr" in reminder.text

    await child.type("/review")
    first = await _question(child, "cy")
    flow = FLOWS[FlowId.before_review]
    # The first question's buttons are its options in Welsh.
    assert any(
        labels(first)[: len(step.options)] == [localise(o.label, "cy") for o in step.options]
        for step in flow.steps
        if step.options
    )
    summary = await _answer_all(child, first, "cy", "Mae popeth yn iawn gartref")
    await child.press(engine.message("send", "cy"), summary)
    assert flow.thanks is not None
    await child.read_until(localise(flow.thanks, "cy"))
    assert await _locales(bot, FlowId.before_review) == (["cy"], ["cy"])

    await _record_outcome(bot, clock)
    note = await child.read_until(NOTE)
    on_the_day = engine.on_day(date(2026, 12, 7), "cy")
    assert note.text == message("outcome.note", "cy", note=NOTE, day=on_the_day)
    assert "ddydd Llun 7 Rhagfyr" in note.text


async def test_an_arabic_speaking_parent_gives_feedback_and_a_person_reads_their_words(
    start_bot: StartBot,
) -> None:
    bot = await start_bot()
    await seed_case(bot.services, held=True)
    parent = bot.person(PARENT_ID)
    bot.emulator.state.register_user(PARENT_ID, language_code="ar")
    welcome = await join(parent, await bot.invite("C001", "parent"))
    assert (welcome.text or "").startswith(message("welcome.family", "ar"))
    await _choose(parent, "ar")
    await parent.read_until(message("notice.language_changed", "ar"))

    await parent.type("/feedback")
    first = await _question(parent, "ar")
    flow = FLOWS[FlowId.family_feedback]
    assert localise(flow.steps[0].text, "ar").split("{")[0].strip() in (first.text or "")
    summary = await _answer_all(parent, first, "ar", WORDS)
    await parent.press(engine.message("send", "ar"), summary)
    assert flow.thanks is not None
    await parent.read_until(localise(flow.thanks, "ar"))

    assert await _locales(bot, FlowId.family_feedback) == (["ar"], ["ar"])
    async with bot.services.uow() as uow:
        flags = (await uow.session.scalars(select(Flag))).all()
        assert flags and {flag.level for flag in flags} == {"concern"}
        assert all("not screened: language" in flag.rules for flag in flags)

    # The IRO reads the parent's words as written, labelled with their language.
    held = (await _review_ids(bot))[0]
    record = await bot.services.review_record("C001", reader="iro", actor="test", review_id=held)
    assert f'"{WORDS}"\n   (answered in Arabic)' in render_text(record)
    assert f'lang="ar" dir="auto">{WORDS}</blockquote>' in render_html(record)


async def test_language_mid_flow_asks_the_current_question_again_in_the_new_language(
    bot: RunningBot,
) -> None:
    child = bot.person(CHILD_ID)
    await join(child, await bot.invite("C001", "child"))
    await child.read(lambda m: "English" in labels(m))  # offered on joining; not taken
    await child.type("/review")
    first = await _question(child, "en")
    await child.press(labels(first)[2], first)
    second = await _question(child, "en")
    flow = FLOWS[FlowId.before_review]
    asked = next(
        step for step in flow.steps if step.text["en"].split("{")[0] in (second.text or "")
    )

    await child.type("/language")
    chooser = await _choose(child, "pl")
    assert labels(chooser)[0] == "English"  # the language in use comes first
    again = await _question(child, "pl")
    assert message("notice.language_changed", "pl") in (again.text or "")
    assert localise(asked.text, "pl").split("{")[0].strip() in (again.text or "")
    assert message("button.back", "pl") in labels(again)

    summary = await _answer_all(child, again, "pl", "W domu jest dobrze")
    assert engine.message("send", "pl") in labels(summary)
    assert await _locales(bot, FlowId.before_review) == (["pl"], ["pl"])


async def test_an_urgent_disclosure_in_ukrainian_with_half_an_emoji_is_flagged_and_kept(
    bot: RunningBot,
) -> None:
    child = bot.person(CHILD_ID)
    bot.emulator.state.register_user(CHILD_ID, language_code="uk")
    await join(child, await bot.invite("C001", "child"))
    await _choose(child, "uk")
    await child.type("/review")
    first = await _question(child, "uk")
    await child.press(labels(first)[2], first)
    await _question(child, "uk")
    # "My stepfather hits me", ending in half of a UTF-16 pair, as a client may send it.
    await child.type("Вітчим б'є мене \ud83d")

    await child.read_until(message("safety.urgent", "uk"))
    async with bot.services.uow() as uow:
        flag = (await uow.session.scalars(select(Flag))).one()
        assert (flag.level, flag.rules) == ("urgent", "lexicon.uk.hurt_by_someone")
        answers = (await uow.session.scalars(select(Answer).where(Answer.kind == "text"))).all()
        assert [uow.runs.answer_text(a) for a in answers] == ["Вітчим б'є мене \ufffd"]
