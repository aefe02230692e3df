"""Which message shows each run's current question, so a copy asked again loses its buttons.

An answered question keeps its buttons: pressed later, they answer as stale, and taking them
away would cost a Bot API call for every typed answer (a pressed one's message already
turns into what comes next). A refused answer asks the question again below, and only the
newest copy keeps buttons. The message id exists only once Telegram has the message, after
the answer was committed, so the adapter notes it in its own table (`telegram_prompt`)
after replying.
"""

from __future__ import annotations

from bot.app.replies import Outcome
from bot.bootstrap import Services
from conversations.events import Rejected


async def replace_question(
    services: Services, outcome: Outcome, shown: int | None, answered: int | None
) -> int | None:
    """Note `shown` as the message with the run's question; give the one to tidy, if any.

    `answered` is the message a button was pressed on, which shows what came next now.
    """
    asked_again = outcome.tidy and any(isinstance(event, Rejected) for event in outcome.events)
    if outcome.run_id is None or (shown is None and not asked_again):
        return None
    async with services.uow() as uow:
        if asked_again or shown is None:
            before = await uow.telegram_prompts.replace(outcome.run_id, shown)
        else:
            # Only a question asked again needs the copy noted before: one statement.
            before = None
            await uow.telegram_prompts.note(outcome.run_id, shown)
        await uow.commit()
    return before if asked_again and before not in (answered, shown) else None
