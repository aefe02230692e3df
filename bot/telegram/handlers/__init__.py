"""Telegram handlers, one module per audience; each handler does one thing a person asked."""
