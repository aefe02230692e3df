"""A child's browser talking to the web chat through aiohttp's test client, by form posts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient

from bot.bootstrap import Core
from bot.web.chat.app import PREFIX, create_chat
from bot.web.chat.keys import Nudge
from bot.web.common.site import mount

_FIELD = re.compile(r'name="(csrf_token|n|run|step)" value="([^"]*)"')
_BUTTON = re.compile(r'<button type="submit" name="do" value="([^"]+)"[^>]*>(.*?)</button>', re.S)
_TAG = re.compile(r"<[^>]+>")


def chat_site(core: Core, nudge: Nudge | None = None) -> web.Application:
    """The server's root application with the web chat mounted where links point."""
    root = web.Application()
    mount(root, PREFIX, create_chat(core, nudge=nudge))
    return root


def button_labels(html: str) -> dict[str, str]:
    """Each `do` button on the page: its words (tags stripped) to its value."""
    return {
        " ".join(_TAG.sub(" ", label).split()): value for value, label in _BUTTON.findall(html)
    }


@dataclass
class ChildBrowser:
    """One browser (one cookie jar) on the chat; remembers the last page it was shown."""

    client: TestClient
    page: str = ""
    status: int = 0
    fields: dict[str, str] = field(default_factory=dict)

    async def get(self, path: str) -> str:
        response = await self.client.get(path)
        return await self._shown(response)

    async def open(self, code: str) -> str:
        return await self.get(f"{PREFIX}/{code}")

    async def post(self, path: str, **fields: str) -> str:
        """Post a form of the page last shown (its CSRF token and input id) with `fields`."""
        data = {key: value for key, value in self.fields.items() if key in ("csrf_token", "n")}
        data.update(fields)
        response = await self.client.post(path, data=data)
        return await self._shown(response)

    async def press(self, label: str) -> str:
        """Press the button whose words contain `label` on the page last shown."""
        buttons = button_labels(self.page)
        value = next((v for words, v in buttons.items() if label in words), None)
        assert value is not None, f"no button {label!r} in {list(buttons)}"
        return await self.post(f"{PREFIX}/answer", **{**self.fields, "do": value})

    async def type(self, words: str) -> str:
        return await self.post(f"{PREFIX}/answer", text=words)

    async def _shown(self, response: ClientResponse) -> str:
        self.status = response.status
        self.page = await response.text()
        self.fields = dict(_FIELD.findall(self.page))
        return self.page


def waits_for_typing(html: str) -> bool:
    """The question shown is answered by typing (its box is required)."""
    return "required></textarea>" in html


async def answer_until_summary(child: ChildBrowser) -> str:
    """Answer every question (the first option, or typed words) up to the summary."""
    for typed in range(40):
        labels = list(button_labels(child.page))
        if any(label.startswith("Change") for label in labels):
            return child.page
        if waits_for_typing(child.page):
            await child.type(f"typed answer {typed}")
        elif any("Done" in label for label in labels):
            await child.press(labels[0])
            await child.press("Done")
        else:
            await child.press(labels[0])
        assert child.status == 200, child.page
    raise AssertionError("the flow never reached its summary")
