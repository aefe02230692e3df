"""Run the emulator standalone: `python -m bot.emulator --port 8081 --token T`.

Prints one line when ready, e.g.
`emulator ready base_url=http://127.0.0.1:8081/bot base_file_url=... control_url=...`,
so a script or test can start it and read where it listens (use --port 0 for a free port).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from bot.emulator.server import BotApiEmulator
from bot.emulator.state import DEFAULT_TOKEN


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--token", action="append", help=f"bot token to accept (repeatable; {DEFAULT_TOKEN})"
    )
    parser.add_argument("--log-level", default="WARNING")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    async with BotApiEmulator(args.host, args.port, args.token or DEFAULT_TOKEN) as emu:
        print(
            f"emulator ready base_url={emu.base_url} base_file_url={emu.base_file_url} "
            f"control_url={emu.control_url}",
            flush=True,
        )
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    """Run until SIGINT or SIGTERM."""
    args = _parse(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s %(message)s")
    asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
