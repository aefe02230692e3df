"""Values shared by the emulator tests (fixtures live in conftest.py)."""

from __future__ import annotations

FIXED_TIME = 1_800_000_000.0  # 2027-01-15, so `date` fields are the same on every run
USER = 4242
