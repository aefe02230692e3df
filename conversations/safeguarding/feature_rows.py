"""Which row of the classifier holds each feature: a compact stand-in for a dict of names.

As a `dict[str, int]`, the model's 30,000 feature names and their row numbers held about
3 MiB of the bot's memory for good (a str object, an int object and a table slot each).
Here the names sit end to end in one string, in row order, with an array of where each
starts, and an open-addressing table of row numbers is keyed by the names' hashes: under
1 MiB. A lookup costs one hash, a probe or two and one slice compared with the name, so a
name that is not in the model is never mistaken for one that is.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from io import StringIO

# The table is kept at most half full, so a lookup seldom probes more than twice.
_LOAD = 2
# Slots hold a row number plus one; zero marks an empty slot.
_EMPTY = 0


class FeatureRows:
    """Feature names in row order, each looked up to its row; built with `add`, then `seal`."""

    def __init__(self) -> None:
        self._written = StringIO()
        self._starts = array("I", [0])
        self._hashes = array("q")
        self._names = ""
        self._slots = array("I")
        self._mask = 0

    def add(self, name: str) -> None:
        """Give `name` the next row (a name added again keeps its last row, as a dict would)."""
        self._written.write(name)
        self._starts.append(self._starts[-1] + len(name))
        self._hashes.append(hash(name))

    def seal(self) -> FeatureRows:
        """Build the lookup table once every name is added; returns self."""
        self._names = self._written.getvalue()
        self._written = StringIO()
        size = 8
        while size < _LOAD * len(self):
            size *= 2
        self._slots = array("I", bytes(4 * size))
        self._mask = size - 1
        for row, name_hash in enumerate(self._hashes):
            slot = self._slot(self.name(row), name_hash)
            self._slots[slot] = row + 1
        self._hashes = array("q")
        return self

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __iter__(self) -> Iterator[str]:
        """The names in row order."""
        return map(self.name, range(len(self)))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __getitem__(self, name: str) -> int:
        row = self.get(name)
        if row is None:
            raise KeyError(name)
        return row

    def name(self, row: int) -> str:
        return self._names[self._starts[row] : self._starts[row + 1]]

    def get(self, name: str) -> int | None:
        """The row holding `name`, or None."""
        # The probe of `_slot`, written out again: screening asks this for every feature of
        # every new word, and a method call would double its cost.
        slots, starts, names, mask = self._slots, self._starts, self._names, self._mask
        slot = hash(name) & mask
        while held := slots[slot]:
            if names[starts[held - 1] : starts[held]] == name:
                return held - 1
            slot = (slot + 1) & mask
        return None

    def _slot(self, name: str, name_hash: int) -> int:
        """The slot holding `name`, or the empty slot where it would go (linear probing)."""
        slots, starts, names, mask = self._slots, self._starts, self._names, self._mask
        slot = name_hash & mask
        while True:
            held = slots[slot]
            if held == _EMPTY or names[starts[held - 1] : starts[held]] == name:
                return slot
            slot = (slot + 1) & mask
