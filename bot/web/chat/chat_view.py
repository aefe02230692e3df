"""The chat as a page shows it: the conversation so far, what My Say just said, and the
question (or summary) waiting, with its buttons.

Nothing is kept for the page between requests: the conversation so far is read from the
run (the questions it answered, as its summary words them), so a child who closes the tab
and comes back sees the same chat at the same step. What My Say said in answer to the last
post (a reply, a notice, the support reply to worrying words) is shown once, with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.app import texts
from bot.app.presenting import Offer, Shown, present
from bot.app.replies import Notice, Outcome, Position
from conversations.runs import age_band_for

# The youngest children's faces are shown larger still.
YOUNGEST = age_band_for(7)


@dataclass(frozen=True)
class Bubble:
    """One message in the chat; `mine` for the child's own answer."""

    text: str
    mine: bool = False
    # The support reply, or a refusal: shown so it stands out.
    urgent: bool = False


@dataclass(frozen=True)
class Face:
    """A face-scale option split into its picture and its words, for a large button."""

    picture: str
    words: str
    offer: Offer


@dataclass(frozen=True)
class ChatPage:
    """What the chat page shows: the answers so far as bubbles, what the last post said,
    and the prompt with its buttons, in the child's language."""

    conversation: tuple[Bubble, ...]
    said: tuple[Bubble, ...]
    prompt: Shown | None
    youngest: bool
    locale: str

    @property
    def faces(self) -> tuple[Face, ...]:
        """The prompt's options as faces, when it is a scale of them."""
        if self.prompt is None or self.prompt.kind != "scale":
            return ()
        return tuple(_face(offer) for offer in self.prompt.options)


def chat_page(position: Position, last: Outcome | None = None) -> ChatPage:
    """The page for where the run is now, after `last` (what the last post did), if any.

    The prompt is the last post's own when it asked something (a ticked box redrawn, "throw
    these answers away?"), else the run's, read afresh.
    """
    conversation: list[Bubble] = []
    for item in position.answered:
        conversation.append(Bubble(item.question))
        conversation.append(Bubble(item.answer_text, mine=True))
    locale = position.outcome.locale
    latest = present(last.events, last.run_id, locale, web=True) if last is not None else []
    prompt = _prompt_in(latest) or _prompt_in(
        present(position.outcome.events, position.outcome.run_id, locale, web=True)
    )
    return ChatPage(
        conversation=tuple(conversation),
        said=tuple(_said(last, latest, locale)),
        prompt=prompt,
        youngest=position.age_band == YOUNGEST,
        locale=locale,
    )


def _waits(shown: Shown) -> bool:
    return shown.is_question or shown.is_summary or bool(shown.navigation)


def _prompt_in(shown: list[Shown]) -> Shown | None:
    return next((s for s in reversed(shown) if _waits(s)), None)


def _said(last: Outcome | None, latest: list[Shown], locale: str) -> list[Bubble]:
    """What My Say said in answer to the last post, before the question it now waits on."""
    if last is None:
        return []
    said = []
    screening = last.screening
    support = texts.support_reply(screening, locale, web=True) if screening else None
    if support:
        said.append(Bubble(support, urgent=True))
    for notice in last.notices:
        words = texts.notice(notice, locale, web=True) if notice is not Notice.not_linked else None
        if words:
            said.append(Bubble(words))
    said.extend(Bubble(line) for line in last.lines)
    said.extend(Bubble(shown.text) for shown in latest if not _waits(shown))
    return said


def _face(offer: Offer) -> Face:
    picture, _, words = offer.label.partition(" ")
    if picture.isascii():
        return Face("", offer.label, offer)
    return Face(picture, words, offer)
