"""Reading words typed where the flow expected a button: "2", "yes please", "😢", "idk".

Children type rather than tap, especially on a small phone or an old app; a typed answer
that plainly names a button is that button, so nobody is told off for typing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# "I don't know", typed: it chooses a "Not sure" option where a question offers one.
DONT_KNOW_WORDS = frozenset(
    {"idk", "dunno", "dont know", "i dont know", "i do not know", "no idea"}
)
# Typed to an optional question, these skip it rather than becoming the answer.
SKIP_WORDS = DONT_KNOW_WORDS | {"skip", "pass"}
_NOT_WORD = re.compile(r"[^\w\s]")
# Emoji presentation selectors and joiners: "☹️" and "☹" are the same face.
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0e\ufe0f\u200d"))
_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def plain(text: str) -> str:
    """Lower case without apostrophes or punctuation: "Don't know!" is "dont know"."""
    text = text.lower().replace("\u2019", "'").replace("'", "")
    return " ".join(_NOT_WORD.sub(" ", text).split())


# Typed at any question, these go back a question, or pause the run with nothing lost, as
# the Back button and "Save for later" do: a child who types "back" means the button, and
# should find neither the word stored as their answer nor read as a disclosure.
BACK_WORDS = frozenset({"back", "go back", "previous", "previous question"})
PAUSE_WORDS = frozenset({"stop", "pause", "later", "save for later", "finish later"})


# An option labelled as one of these is what "idk" typed at its question means.
UNSURE_LABELS = frozenset(
    {"not sure", "im not sure", "im not sure yet", "dont know", "i dont know"}
)
# Every word the bot itself offers for moving through a flow, typed alone.
BUTTON_WORDS = SKIP_WORDS | BACK_WORDS | PAUSE_WORDS | {"cancel", "next", "done", "menu"}


def is_skip_word(text: str) -> bool:
    return plain(text) in SKIP_WORDS


def is_button_word(text: str) -> bool:
    """Whether `text` is only one of the bot's own words for moving through a flow."""
    return plain(text) in BUTTON_WORDS


def typed_option(text: str, options: Sequence[tuple[str, str]]) -> str | None:
    """The option (id, label) that typed `text` names, by number, label, id or face; "idk"
    names a "Not sure" option."""
    if plain(text) in DONT_KNOW_WORDS:
        unsure = [option_id for option_id, label in options if plain(label) in UNSURE_LABELS]
        if unsure:
            return unsure[0]
    number = _NUMBER.match(text)
    if number:
        index = int(number.group(1)) - 1
        return options[index][0] if 0 <= index < len(options) else None
    typed = plain(text)
    if typed:
        for option_id, label in options:
            if typed in (plain(label), plain(option_id.replace("_", " "))):
                return option_id
        return None
    # Nothing but symbols: an emoji that starts a label ("😢 Really unhappy") picks it.
    face = text.strip().translate(_INVISIBLE)
    for option_id, label in options:
        first = label.split()[0].translate(_INVISIBLE) if label.split() else ""
        if face and first == face:
            return option_id
    return None
