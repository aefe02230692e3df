"""Use cases: what people do with My Say, over storage and the flow engine.

They take Telegram user ids and engine inputs, never Telegram objects, so the same code serves
polling, webhooks and the terminal playground; each commits before it returns, so a reply is
only ever sent about work that is already safe in the database.
"""
