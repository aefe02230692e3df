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
