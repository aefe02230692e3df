"""The kinds of meeting a child has, typed here once, with the flow a child gets ready with.

Each reader's words for a kind live with that reader: the bot's in its catalogue (the keys
are `bot.app.dates.MEETING_KEYS`), the reports' in `feedback_reports.labels.KIND_WORDS`.
`storage.models.REVIEW_KINDS` repeats the bare list because storage may not import this
package (tests/test_layers.py); tests/conversations/test_vocabularies.py checks they agree.
"""

from __future__ import annotations

from typing import Literal, get_args

from conversations.flow_ids import FlowId

ReviewKind = Literal["cla_review", "icpc", "rcpc"]
REVIEW_KINDS: tuple[str, ...] = get_args(ReviewKind)
# The flow in which a child gives their views before each kind of meeting.
VIEWS_FLOW: dict[str, FlowId] = {
    "cla_review": FlowId.before_review,
    "icpc": FlowId.before_conference,
    "rcpc": FlowId.before_conference,
}
VIEWS_FLOWS: tuple[FlowId, ...] = tuple(dict.fromkeys(VIEWS_FLOW.values()))
