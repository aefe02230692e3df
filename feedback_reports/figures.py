"""The values every table of the annual report is made of: counts, rates and their model base.

A count is a whole number, or "[c]" where it is withheld so that no child can be picked out
(see `suppression`). A percentage is null when there is nothing to divide by, and "[c]" when
its count or its denominator is withheld.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from feedback_reports.suppression import WITHHELD

Count = int | Literal["[c]"]
Share = float | Literal["[c]"] | None


def pct(part: int | None, whole: int | None) -> float | None:
    """Return part/whole as a percentage to one place, or None if either is unknown or 0 whole."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class Rate(_Model):
    """A count, the denominator it is out of, and the percentage they make."""

    count: Count
    of: Count
    pct: Share

    @classmethod
    def of_counts(cls, count: Count, of: Count) -> Rate:
        """The rate of two printed counts; withheld if either is."""
        if count == WITHHELD or of == WITHHELD:
            return cls(count=count, of=of, pct=WITHHELD)
        assert isinstance(count, int) and isinstance(of, int)
        return cls(count=count, of=of, pct=pct(count, of))
