"""The children's web chat: the same conversations as in Telegram, in a browser.

For children who cannot use Telegram (its terms require 16 in the UK and EU). An adapter
only: `bot.app.web_chat` binds an invitation to a browser, `bot.app.conversation` runs the
flows (screening, flags, alerts, requests and receipts as in Telegram), and
`bot.app.presenting` says which buttons each message offers. This package turns those into
pages (`views`), forms (`forms`) and the chat's messages (`chat_view`).
"""
