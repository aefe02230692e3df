"""`mysay flags list`: operators see open flags (never the words) without Telegram."""

from __future__ import annotations

import asyncio

from bot.app.safeguarding import raise_flag
from bot.bootstrap import Services
from bot.settings import Settings
from conversations.safeguarding import assess
from storage.models import Participant
from tests.e2e.conftest import CHILD_ID, seed_case
from tests.support import mysay

WORDS = "my stepdad hits me"


def _env(settings: Settings) -> dict[str, str]:
    return {
        "MYSAY_DATABASE_URL": settings.effective_database_url,
        "MYSAY_DATA_DIR": str(settings.data_dir),
        "MYSAY_DATA_KEY": settings.data_key,
    }


async def test_flags_list_shows_open_flags_without_the_words(
    services: Services, settings: Settings
) -> None:
    # The command runs its own event loop, so it runs in a thread beside this test's loop.
    empty = await asyncio.to_thread(mysay, "flags", "list", env=_env(settings))
    assert "No open safeguarding flags" in empty.output
    await seed_case(services)
    async with services.uow() as uow:
        child = await uow.children.by_case_ref("C001")
        assert child is not None
        participant = uow.participants.add(
            Participant(
                telegram_id=CHILD_ID, role="child", child_id=child.id, created_at=services.clock()
            )
        )
        await uow.flush()
        await raise_flag(
            uow,
            assess,
            participant,
            child,
            None,
            WORDS,
            services.clock(),
            60,
            services.settings.zone,
            77,
        )
        await uow.commit()
    result = await asyncio.to_thread(mysay, "flags", "list", env=_env(settings))
    assert result.exit_code == 0
    assert "#1\tC001\turgent\topen\tphysical_abuse" in result.output
    assert WORDS not in result.output
