"""What a chat shows for the engine's events: each message, and the buttons offered under
it with what pressing each one claims.

Which inputs a question, a summary or a cancel question offers is decided here once; each
channel lays the buttons out and encodes their claims its own way (Telegram in callback
data, the web chat in form fields) and words nothing differently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.app.buttons import RunButton
from bot.app.texts import message
from conversations.catalogue import DEFAULT_LOCALE
from conversations.events import (
    Asked,
    Back,
    Cancel,
    CancelAsked,
    Cancelled,
    Change,
    Choose,
    Done,
    Event,
    Input,
    Rejected,
    Resume,
    Said,
    Saved,
    SaveForLater,
    Send,
    Skip,
    Submitted,
    SummaryItem,
    SummaryShown,
    Toggle,
)
from conversations.languages import number_words

# The summary's actions, by the option ids the engine offers them with.
SUMMARY_ACTIONS: dict[str, Input] = {
    "send": Send(),
    "save_for_later": SaveForLater(),
    "cancel": Cancel(),
}
# Question kinds answered by typing rather than a button.
TYPED_KINDS = ("text", "date")


@dataclass(frozen=True)
class Offer:
    """One button: its words, what pressing it claims, and whether it is the answer now."""

    label: str
    button: RunButton
    chosen: bool = False


@dataclass(frozen=True)
class Shown:
    """One message of the chat, with the buttons offered under it, grouped by purpose."""

    text: str
    # A question's answers (ticked ones `chosen` on a multi step).
    options: tuple[Offer, ...] = ()
    # "Done" under a multi step's boxes.
    done: Offer | None = None
    # Back and Skip under a question; Yes and No under "throw these answers away?".
    navigation: tuple[Offer, ...] = ()
    # The summary's answers, a Change button for each, and Send, Save for later, Cancel.
    items: tuple[SummaryItem, ...] = ()
    changes: tuple[Offer, ...] = ()
    actions: tuple[Offer, ...] = ()
    step_id: str | None = None
    kind: str | None = None
    # A typed answer given before, shown again under its question.
    earlier_text: str | None = None
    is_summary: bool = False

    @property
    def is_question(self) -> bool:
        return self.kind is not None

    @property
    def typed(self) -> bool:
        """The question waits for typed words."""
        return self.kind in TYPED_KINDS


def present(
    events: Iterable[Event],
    run_id: int | None,
    locale: str = DEFAULT_LOCALE,
    *,
    web: bool = False,
) -> list[Shown]:
    """The messages that show these events, in order, with the bot's words in `locale`
    (for the web chat, with `web`)."""
    shown: list[Shown] = []
    for event in events:
        if isinstance(event, Said):
            shown.append(Shown(event.text))
        elif isinstance(event, Asked) and run_id is not None:
            shown.append(_question(event, run_id, locale))
        elif isinstance(event, SummaryShown) and run_id is not None:
            shown.append(_summary(event, run_id, locale))
        elif isinstance(event, Submitted):
            shown.append(Shown(event.text))
        elif isinstance(event, Saved):
            shown.append(Shown(message("flow.saved", locale, web=web)))
        elif isinstance(event, Cancelled):
            shown.append(Shown(message("flow.cancelled", locale)))
        elif isinstance(event, Rejected):
            shown.append(Shown(event.message))
        elif isinstance(event, CancelAsked) and run_id is not None:
            answer = (
                Offer(event.confirm, RunButton(run_id, event.step_id, Cancel(confirmed=True))),
                Offer(event.keep, RunButton(run_id, event.step_id, Resume())),
            )
            shown.append(Shown(event.text, navigation=answer))
    return shown


def _question(event: Asked, run_id: int, locale: str) -> Shown:
    def offer(label: str, action: Input, chosen: bool = False) -> Offer:
        return Offer(label, RunButton(run_id, event.step_id, action), chosen)

    multi = event.kind == "multi"
    options = tuple(
        offer(
            option.label,
            Toggle(option.id) if multi else Choose(option.id),
            option.id in event.selected,
        )
        for option in event.options
    )
    navigation = []
    if event.can_go_back:
        navigation.append(offer(message("button.back", locale), Back()))
    if event.can_skip:
        navigation.append(offer(message("button.skip", locale), Skip()))
    return Shown(
        event.text,
        options=options,
        done=offer(message("button.done", locale), Done()) if multi else None,
        navigation=tuple(navigation),
        step_id=event.step_id,
        kind=event.kind,
        earlier_text=event.earlier_text,
    )


def _summary(event: SummaryShown, run_id: int, locale: str) -> Shown:
    changes = tuple(
        Offer(
            message("button.change", locale, number=number_words(number, locale)),
            RunButton(run_id, None, Change(item.step_id)),
        )
        for number, item in enumerate(event.items, start=1)
    )
    actions = tuple(
        Offer(option.label, RunButton(run_id, None, SUMMARY_ACTIONS[option.id]))
        for option in event.actions
        if option.id in SUMMARY_ACTIONS
    )
    return Shown(event.text, items=event.items, changes=changes, actions=actions, is_summary=True)
