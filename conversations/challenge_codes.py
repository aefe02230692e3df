"""The codes of an IRO's challenge (the issue resolution process), typed once.

The challenge flow's options, the imports and the annual report all count by these;
`storage.models` repeats the bare lists because storage may not import this package
(tests/conversations/test_vocabularies.py checks they agree).
"""

from __future__ import annotations

CHALLENGE_CATEGORIES = (
    "drift_and_delay",
    "procedures",
    "plan",
    "placement",
    "health",
    "education",
    "contact",
    "other",
)
# The stages in the order a challenge climbs them.
CHALLENGE_STAGES = ("informal", "formal1", "formal2", "formal3")
CHALLENGE_OUTCOMES = ("resolved", "partly_resolved", "not_resolved", "withdrawn")
# Days allowed for each stage of a challenge unless the service sets its own.
CHALLENGE_DAYS_PER_STAGE = 20


def default_stage_days() -> dict[str, int]:
    """The days allowed for each stage when the service sets none."""
    return dict.fromkeys(CHALLENGE_STAGES, CHALLENGE_DAYS_PER_STAGE)
