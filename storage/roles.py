"""The roles a staff member or a participant may have, as plain values.

Kept apart from `storage.models` so that a command's options (`mysay staff add --role`)
can list them without loading SQLAlchemy and the models, about a second of start-up.
"""

from __future__ import annotations

STAFF_ROLES = ("iro", "manager", "admin")
PARTICIPANT_ROLES = ("child", "parent", "carer", "staff")
