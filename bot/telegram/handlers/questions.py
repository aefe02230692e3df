"""Which message shows each run's current question, so its buttons go once it is answered.

A typed answer leaves the question's message as it was, buttons and all, for the bot to
tidy. The message id exists only once Telegram has the message, after the answer was
committed, so the adapter notes it in its own table (`telegram_prompt`) after replying.
"""

from __future__ import annotations

from bot.app.conversation import Outcome
from bot.bootstrap import Services


async def replace_question(
    services: Services, outcome: Outcome, shown: int | None, answered: int | None
) -> int | None:
    """Note `shown` as the message with the run's question; give the one to tidy, if any.

    `answered` is the message a button was pressed on, already marked answered.
    """
    if outcome.run_id is None or (shown is None and not outcome.tidy):
        return None
    async with services.uow() as uow:
        before = await uow.telegram_prompts.replace(outcome.run_id, shown)
        await uow.commit()
    return before if outcome.tidy and before not in (answered, shown) else None
