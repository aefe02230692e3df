"""Turning engine events into chat messages: text and rows of buttons, nothing sent yet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.app.texts import message
from bot.telegram.callbacks import run_button
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
    SummaryShown,
    Toggle,
)

TELEGRAM_LIMIT = 4096
# An earlier typed answer shown again under its question is cut to this many characters.
SHOWN_EARLIER = 300
Button = tuple[str, str]


@dataclass(frozen=True)
class ChatMessage:
    """One message to send; `step_id` marks a question, so its message id can be kept."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    step_id: str | None = None
    is_summary: bool = False


def render(
    events: Iterable[Event], run_id: int | None, locale: str = DEFAULT_LOCALE
) -> list[ChatMessage]:
    """The messages that show these events, in order, with the bot's words in `locale`."""
    messages: list[ChatMessage] = []
    for event in events:
        if isinstance(event, Said):
            messages.extend(split_text(event.text))
        elif isinstance(event, Asked) and run_id is not None:
            messages.append(_question(event, run_id, locale))
        elif isinstance(event, SummaryShown) and run_id is not None:
            messages.extend(_summary(event, run_id, locale))
        elif isinstance(event, Submitted):
            messages.append(ChatMessage(event.text))
        elif isinstance(event, Saved):
            messages.append(ChatMessage(message("flow.saved", locale)))
        elif isinstance(event, Cancelled):
            messages.append(ChatMessage(message("flow.cancelled", locale)))
        elif isinstance(event, Rejected):
            messages.append(ChatMessage(event.message))
        elif isinstance(event, CancelAsked) and run_id is not None:
            buttons = (
                (event.confirm, run_button(run_id, event.step_id, Cancel(confirmed=True))),
                (event.keep, run_button(run_id, event.step_id, Resume())),
            )
            messages.append(ChatMessage(event.text, (buttons,)))
    return messages


def _question(event: Asked, run_id: int, locale: str) -> ChatMessage:
    rows: list[tuple[Button, ...]] = []
    if event.kind == "multi":
        for option in event.options:
            tick = "✅ " if option.id in event.selected else ""
            rows.append(
                ((tick + option.label, run_button(run_id, event.step_id, Toggle(option.id))),)
            )
        done = message("button.done", locale)
        rows.append(((done, run_button(run_id, event.step_id, Done())),))
    else:
        buttons = [
            (
                ("• " if option.id in event.selected else "") + option.label,
                run_button(run_id, event.step_id, Choose(option.id)),
            )
            for option in event.options
        ]
        # Short labels (faces, numbers, yes/no) sit side by side; sentences get a row each.
        if buttons and all(len(label) <= 12 for label, _ in buttons) and len(buttons) <= 5:
            rows.append(tuple(buttons))
        else:
            rows.extend((button,) for button in buttons)
    navigation: list[Button] = []
    if event.can_go_back:
        navigation.append(
            (message("button.back", locale), run_button(run_id, event.step_id, Back()))
        )
    if event.can_skip:
        navigation.append(
            (message("button.skip", locale), run_button(run_id, event.step_id, Skip()))
        )
    if navigation:
        rows.append(tuple(navigation))
    text = event.text
    if event.earlier_text:
        text += "\n\n" + message("question.earlier", locale, text=_shortened(event.earlier_text))
    if event.kind in ("text", "date"):
        text += "\n\n" + message("question.type_below", locale)
    return ChatMessage(text, tuple(rows), step_id=event.step_id)


def _summary(event: SummaryShown, run_id: int, locale: str) -> list[ChatMessage]:
    lines = [event.text, ""]
    for number, item in enumerate(event.items, start=1):
        lines.append(f"{number}. {item.question}\n   → {item.answer_text}")
    change_row = [
        (
            message("button.change", locale, number=number),
            run_button(run_id, None, Change(item.step_id)),
        )
        for number, item in enumerate(event.items, start=1)
    ]
    rows: list[tuple[Button, ...]] = [
        tuple(change_row[i : i + 4]) for i in range(0, len(change_row), 4)
    ]
    verbs: dict[str, Input] = {
        "send": Send(),
        "save_for_later": SaveForLater(),
        "cancel": Cancel(),
    }
    rows.append(
        tuple(
            (option.label, run_button(run_id, None, verbs[option.id]))
            for option in event.actions
            if option.id in verbs
        )
    )
    *leading, last = split_text("\n".join(lines))
    return [*leading, ChatMessage(last.text, tuple(rows), is_summary=True)]


def _shortened(text: str) -> str:
    return text if len(text) <= SHOWN_EARLIER else text[:SHOWN_EARLIER].rstrip() + "…"


def split_text(text: str) -> list[ChatMessage]:
    """Cut text into messages Telegram accepts, at line breaks where possible."""
    chunks: list[str] = []
    while len(text) > TELEGRAM_LIMIT:
        cut = text.rfind("\n", 0, TELEGRAM_LIMIT)
        cut = cut if cut > 0 else TELEGRAM_LIMIT
        chunks.append(text[:cut])
        text = text[cut:].lstrip("\n")
    chunks.append(text)
    return [ChatMessage(chunk) for chunk in chunks]
