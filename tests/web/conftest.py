"""Web test fixtures: the headless browser (see tests/browser.py)."""

from tests.browser import browser  # noqa: F401
