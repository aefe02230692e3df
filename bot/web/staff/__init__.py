"""The staff web workspace: IROs, managers and admins, over the same use cases as the bot.

`app.create_workspace` builds it; `mysay web` serves it alone and `mysay serve` beside the
webhook, both under `/staff`.
"""
