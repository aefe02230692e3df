"""Small-number suppression: withhold counts that could identify a child, and their partners.

Primary suppression withholds every printed count from 1 to 4 (zeros are always shown: "none"
identifies nobody). Secondary suppression then withholds more cells until no withheld cell can
be worked out from the published ones by adding and subtracting along the table's sums (a
total and its parts, a row of quarters and the year). Withheld cells print as "[c]", the mark
official statistics use for confidential cells.

A table is cells and sums. A cell is printed, or only known to readers through sums (the late
meetings are held minus in timescale): such a cell is never printed, but it counts as unknown,
so it can shield its neighbours. The check is exact: the sums are reduced to row echelon form
over the unknown cells, with fractions, and a withheld cell is exposed when one reduced row
names it alone. Because zeros are shown, readers know a withheld cell is at least 1, so two
withheld cells summing to 2 are exposed too; that case is checked as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Literal, TypeVar

WITHHELD: Literal["[c]"] = "[c]"
SUPPRESS_BELOW = 5

Sum = tuple[str, tuple[str, ...]]
K = TypeVar("K", str, int)


class Table:
    """Cells, the sums that tie them, and which cells are withheld once `suppress` has run."""

    def __init__(self, below: int = SUPPRESS_BELOW) -> None:
        self.below = below
        self.names: list[str] = []
        self.sums: list[Sum] = []
        self._values: dict[str, int] = {}
        self._shown: set[str] = set()
        self._protected: set[str] = set()
        self._withheld: set[str] = set()

    def add(self, name: str, value: int, *, shown: bool = True, protect: bool = False) -> None:
        """Add a cell; `protect` keeps a headline figure unless nothing smaller can go."""
        if name in self._values:
            raise ValueError(f"cell {name!r} added twice")
        self.names.append(name)
        self._values[name] = value
        if shown:
            self._shown.add(name)
        if protect:
            self._protected.add(name)

    def total(self, total: str, parts: Iterable[str]) -> None:
        """Record that `total` is the sum of `parts` (all cells of this table)."""
        members = (total, *parts)
        missing = [name for name in members if name not in self._values]
        if missing:
            raise KeyError(f"no cells {missing}")
        if self._values[total] != sum(self._values[p] for p in members[1:]):
            raise ValueError(f"{total} is not the sum of {members[1:]}")
        self.sums.append((total, members[1:]))

    def number(self, name: str) -> int:
        """The cell's true count, withheld or not (never print it when withheld)."""
        return self._values[name]

    def is_shown(self, name: str) -> bool:
        return name in self._shown

    def withheld(self, name: str) -> bool:
        return name in self._withheld

    def value(self, name: str) -> int | Literal["[c]"]:
        """The cell as the report prints it: its count, or "[c]" when withheld."""
        return WITHHELD if name in self._withheld else self._values[name]

    def suppress(self) -> None:
        """Withhold small counts, then partners until no withheld cell is exposed."""
        self._withheld = {n for n in self._shown if 0 < self._values[n] < self.below}
        while (exposed := self._exposed()) is not None:
            candidates, pinned = exposed
            self._withheld.add(
                min(
                    candidates,
                    key=lambda n: (
                        n in self._protected,
                        pinned and self._values[n] == 1,
                        self._values[n],
                        self.names.index(n),
                    ),
                )
            )

    def _unknown(self, name: str) -> bool:
        return name in self._withheld or name not in self._shown

    def _published(self, names: Iterable[str]) -> list[str]:
        """The printed, not withheld, non-zero cells among `names`: partners to choose from."""
        return [n for n in names if not self._unknown(n) and self._values[n] > 0]

    def _exposed(self) -> tuple[list[str], bool] | None:
        """Partners for one exposed withheld cell, and whether bounds exposed it; or None."""
        for total, parts in self.sums:
            members = (total, *parts)
            unknown = [n for n in members if self._unknown(n)]
            if len(unknown) == 1 and unknown[0] in self._withheld:
                return self._published(members), False
            if total in unknown or not unknown:
                continue
            # The unknown parts add up to a published figure; withheld ones are at least 1.
            withheld = [n for n in unknown if n in self._withheld]
            if withheld and sum(self._values[n] for n in unknown) == len(withheld):
                # Parts first; when every part is withheld or zero, only the total can go.
                return self._published(parts) or self._published(members), True
        for cell, combination in self._determined().items():
            if cell in self._withheld:
                # Withholding any published cell the combination uses breaks it.
                used: dict[str, Fraction] = {}
                for index, factor in combination.items():
                    for name, sign in self._signed(index).items():
                        used[name] = used.get(name, Fraction(0)) + factor * sign
                return self._published(n for n, v in used.items() if v), False
        return None

    def _signed(self, index: int) -> dict[str, int]:
        """Sum number `index` as total minus parts = 0: each cell's coefficient."""
        total, parts = self.sums[index]
        row = {total: 1}
        for part in parts:
            row[part] = row.get(part, 0) - 1
        return row

    def _determined(self) -> dict[str, dict[int, Fraction]]:
        """Unknown cells the sums fix, each with the combination of sums (index: factor) that does.

        Gauss-Jordan elimination over the unknown cells, keeping every row fully reduced; a
        reduced row naming one cell alone fixes it, and no other row can.
        """
        basis: dict[str, tuple[dict[str, Fraction], dict[int, Fraction]]] = {}
        for index in range(len(self.sums)):
            row = {k: Fraction(v) for k, v in self._signed(index).items() if self._unknown(k)}
            row = {k: v for k, v in row.items() if v}
            origin = {index: Fraction(1)}
            for pivot in [k for k in row if k in basis]:
                _subtract(row, origin, row[pivot], *basis[pivot])
            if not row:
                continue
            pivot = min(row, key=self.names.index)
            scale = row[pivot]
            row = {k: v / scale for k, v in row.items()}
            origin = {k: v / scale for k, v in origin.items()}
            for other, other_origin in basis.values():
                if pivot in other:
                    _subtract(other, other_origin, other[pivot], row, origin)
            basis[pivot] = (row, origin)
        return {pivot: origin for pivot, (row, origin) in basis.items() if len(row) == 1}


def _subtract(
    row: dict[str, Fraction],
    origin: dict[int, Fraction],
    factor: Fraction,
    other: dict[str, Fraction],
    other_origin: dict[int, Fraction],
) -> None:
    """row -= factor * other, in place, with the sums each is made of; zeros dropped."""
    _take(row, factor, other)
    _take(origin, factor, other_origin)


def _take(target: dict[K, Fraction], factor: Fraction, source: dict[K, Fraction]) -> None:
    for key, value in source.items():
        target[key] = target.get(key, Fraction(0)) - factor * value
        if not target[key]:
            del target[key]
