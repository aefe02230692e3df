"""Turning what the chat shows into Telegram messages: text and rows of buttons, nothing sent
yet. Which buttons each message offers comes from `bot.app.presenting`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.app.presenting import Offer, Shown, present
from bot.app.texts import message
from bot.telegram.callbacks import run_button
from conversations.catalogue import DEFAULT_LOCALE
from conversations.events import Event

TELEGRAM_LIMIT = 4096
# An earlier typed answer shown again under its question is cut to this many characters.
SHOWN_EARLIER = 300
# Short labels (faces, numbers, yes/no) sit side by side, up to this many in a row.
SHORT_LABEL = 12
SIDE_BY_SIDE = 5
CHANGES_PER_ROW = 4
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
    for shown in present(events, run_id, locale):
        if shown.is_summary:
            messages.extend(_summary(shown))
        elif shown.is_question:
            messages.append(_question(shown, locale))
        elif shown.navigation:
            messages.append(ChatMessage(shown.text, (_row(shown.navigation),)))
        else:
            messages.extend(split_text(shown.text))
    return messages


def _button(offer: Offer) -> Button:
    claim = offer.button
    return (offer.label, run_button(claim.run_id, claim.step_id, claim.action))


def _row(offers: Iterable[Offer]) -> tuple[Button, ...]:
    return tuple(_button(offer) for offer in offers)


def _question(shown: Shown, locale: str) -> ChatMessage:
    rows: list[tuple[Button, ...]] = []
    if shown.done is not None:
        for option in shown.options:
            tick = "✅ " if option.chosen else ""
            rows.append(((tick + option.label, _button(option)[1]),))
        rows.append((_button(shown.done),))
    else:
        buttons = [
            (("• " if option.chosen else "") + option.label, _button(option)[1])
            for option in shown.options
        ]
        short = all(len(label) <= SHORT_LABEL for label, _ in buttons)
        if buttons and short and len(buttons) <= SIDE_BY_SIDE:
            rows.append(tuple(buttons))
        else:
            rows.extend((button,) for button in buttons)
    if shown.navigation:
        rows.append(_row(shown.navigation))
    text = shown.text
    if shown.earlier_text:
        text += "\n\n" + message("question.earlier", locale, text=_shortened(shown.earlier_text))
    if shown.typed:
        text += "\n\n" + message("question.type_below", locale)
    return ChatMessage(text, tuple(rows), step_id=shown.step_id)


def _summary(shown: Shown) -> list[ChatMessage]:
    lines = [shown.text, ""]
    for number, item in enumerate(shown.items, start=1):
        lines.append(f"{number}. {item.question}\n   → {item.answer_text}")
    changes = _row(shown.changes)
    rows = [changes[i : i + CHANGES_PER_ROW] for i in range(0, len(changes), CHANGES_PER_ROW)]
    rows.append(_row(shown.actions))
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
