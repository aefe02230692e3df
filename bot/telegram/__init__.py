"""The Telegram adapter: python-telegram-bot handlers that turn updates into use-case calls."""
