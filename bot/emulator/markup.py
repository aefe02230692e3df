"""Checks Telegram applies to what a bot sends: HTML parse mode and inline keyboards.

A test double that accepted anything would let escaping bugs through (a child typing "<3"
must not break a reply), so the emulator rejects what Telegram rejects, with its wording.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bot.emulator.models import JSON, bad_request

# Tags Telegram's HTML parse mode understands (https://core.telegram.org/bots/api#html-style).
_HTML_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "a", "tg-emoji", "code", "pre", "blockquote",
    }
)  # fmt: skip
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)([^<>]*)>")
MAX_CALLBACK_DATA_BYTES = 64


def parse_html(text: str) -> str:
    """Return the plain text of an HTML-formatted message, or raise 400 like Telegram."""
    plain: list[str] = []
    stack: list[str] = []
    pos = 0
    while True:
        start = text.find("<", pos)
        if start < 0:
            plain.append(text[pos:])
            break
        plain.append(text[pos:start])
        match = _TAG.match(text, start)
        offset = len(text[:start].encode("utf-8"))
        if match is None:
            raise _cant_parse(f"Can't find end of the tag at byte offset {offset}")
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name not in _HTML_TAGS:
            kind = "end" if closing else "start"
            raise _cant_parse(f'Unsupported {kind} tag "{name}" at byte offset {offset}')
        if not closing:
            stack.append(name)
        elif not stack or stack[-1] != name:
            raise _cant_parse(f'Unmatched end tag at byte offset {offset}, expected "</{name}>"')
        else:
            stack.pop()
        pos = match.end()
    if stack:
        raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return html.unescape("".join(plain))


def _cant_parse(reason: str) -> Exception:
    return bad_request(f"can't parse entities: {reason}")


def plain_text(text: str, parse_mode: str | None) -> str:
    """Give what the user would see; only HTML is parsed, other modes are kept as sent."""
    if parse_mode is not None and parse_mode.upper() == "HTML":
        return parse_html(text)
    return text


def normalise_markup(markup: Any) -> JSON | None:
    """Validate a reply_markup value; an empty inline keyboard means "no keyboard"."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup  # reply keyboards, remove_keyboard, force_reply: stored as sent
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            _check_button(button)
    if not any(rows):
        return None
    return markup


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request('can\'t find field "text"')
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
        raise bad_request("BUTTON_DATA_INVALID")
