"""`python -m bot.cli` is the same as the `mysay` command."""

from bot.cli import main

main()
