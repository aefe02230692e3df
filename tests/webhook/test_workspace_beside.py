"""`mysay serve` serves the staff workspace at /staff beside the webhook, each with its own
rules: the workspace's pages carry its headers and form tokens, the webhook does not."""

from __future__ import annotations

import re

import aiohttp

from bot.app.web_access import issue_sign_in_link_for, sign_in_link
from tests.webhook.conftest import WebhookBot


async def test_the_workspace_is_served_beside_the_webhook(webhook_bot: WebhookBot) -> None:
    base = webhook_bot.url.removesuffix("/telegram")
    link = sign_in_link(base, await issue_sign_in_link_for(webhook_bot.services, "iro1"))
    # unsafe=True: keep cookies from an IP address (127.0.0.1), as a browser does.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get(link) as shown:
            page = await shown.text()
            assert shown.status == 200 and "Content-Security-Policy" in shown.headers
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
        assert token is not None
        async with session.post(link, data={"csrf_token": token.group(1)}) as signed_in:
            assert signed_in.url.path == "/staff/caseload"
            assert "C001" in await signed_in.text()
        async with session.get(f"{base}/") as root:
            assert root.url.path == "/staff/caseload"
        async with session.post(webhook_bot.url, json={"update_id": 1}) as webhook:
            # The webhook's own check (its secret), not the workspace's form token.
            assert webhook.status == 403
            assert "Content-Security-Policy" not in webhook.headers
