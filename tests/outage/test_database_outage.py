"""A disclosure typed while PostgreSQL is down: support at once, nothing lost, alert later.

The server is this test's own (started from the machine's PostgreSQL binaries), so it can
really be stopped and started again without touching the database other tests use.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from bot.app.texts import message
from bot.bootstrap import Services
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from storage.crypto import new_key
from storage.database import alembic_config
from storage.models import Flag, Run
from tests.e2e.conftest import CHILD_ID, IRO_ID, StartBot, seed_case
from tests.e2e.driver import Person, join
from tests.support import eventually, issue_invitation, issue_staff_invitation
from tests.webhook.conftest import WebhookBot

DISCLOSURE = "my stepdad hits me when mum is at work"
PG_DIRS = ["/usr/lib/postgresql/15/bin", *sorted(Path("/usr/lib/postgresql").glob("*/bin"))]


@dataclass
class PrivateServer:
    """A throwaway PostgreSQL server this test may stop and start."""

    bin: Path
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://mysay@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        run_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), *args])

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1 -c fsync=off"
        )
        self._ctl("-l", str(self.data.parent / "log"), "-w", "-o", options, "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")


def run_as_postgres(args: list[str]) -> None:
    """PostgreSQL refuses to run as root; CI runs as root, so use the postgres user there."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *args], check=True, capture_output=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivateServer]:
    found = next((Path(d) for d in map(str, PG_DIRS) if Path(d, "initdb").exists()), None)
    if found is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL server binaries are needed for the outage test")
        pytest.skip("PostgreSQL server binaries not found")
    # Not under pytest's tmp_path: its parent is readable by root alone, not by postgres.
    folder = Path(tempfile.mkdtemp(prefix="mysay-outage-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = PrivateServer(found, folder / "data", port)
    run_as_postgres([str(found / "initdb"), "-D", str(server.data), "-U", "mysay", "--auth=trust"])
    server.start()
    command.upgrade(alembic_config(server.url), "head")
    try:
        yield server
    finally:
        subprocess.run(
            [*(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []),
             str(found / "pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop"],
            capture_output=True,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def settings(private_postgres: PrivateServer, tmp_path: Path) -> Settings:
    return Settings(
        database_url=private_postgres.url,
        data_dir=tmp_path / "data",
        data_key=new_key(),
        telegram_token="123456:TEST",
        _env_file=None,  # type: ignore[call-arg]
    )


async def test_in_polling_mode_a_disclosure_while_the_database_is_down_is_not_lost(
    start_bot: StartBot, private_postgres: PrivateServer
) -> None:
    bot = await start_bot()
    await seed_case(bot.services)
    await disclosure_during_outage(bot.services, bot.emulator, private_postgres)


async def test_in_webhook_mode_a_disclosure_while_the_database_is_down_is_not_lost(
    webhook_bot: WebhookBot, private_postgres: PrivateServer
) -> None:
    await disclosure_during_outage(webhook_bot.services, webhook_bot.emulator, private_postgres)


async def disclosure_during_outage(
    services: Services, emulator: BotApiEmulator, server: PrivateServer
) -> None:
    """Stop the server as a child types a disclosure; start it again; nothing is lost."""
    iro, child = Person(emulator, IRO_ID), Person(emulator, CHILD_ID)
    assert (
        "staff account" in (await join(iro, await issue_staff_invitation(services, "iro1"))).text
    )
    await join(child, await issue_invitation(services, "C001", "child"))
    await child.type("/review")
    await child.press("OK", await child.question())
    await child.question()

    server.stop()
    await child.type(DISCLOSURE)
    support = await child.read(lambda m: "0800 1111" in m.text)
    assert "999" in support.text
    assert (await child.read_until("couldn't save")).text == message("trouble.saving_later")
    spooled = services.settings.data_dir / "update-spool.log"
    assert spooled.exists() and DISCLOSURE.encode() not in spooled.read_bytes()

    server.start()
    alert = await iro.read(lambda m: "Safeguarding alert" in m.text)
    assert "C001" in alert.text and DISCLOSURE not in alert.text
    assert "school" in (await child.question()).text  # the run went on from the answer

    async def answer_stored() -> bool:
        async with services.uow() as uow:
            flags = (await uow.session.scalars(select(Flag))).all()
            run = (await uow.session.scalars(select(Run))).one()
            return len(flags) == 1 and DISCLOSURE in str(uow.runs.read_state(run))

    assert await eventually(answer_stored, seconds=30)
