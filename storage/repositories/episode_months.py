"""The children's tables' rows added up per month (`EpisodeMonthCount`), from the rows kept
per child (`EpisodeFlow`).

A start or an end counts once in its day's month under each of its child's characteristics
(gender, ethnicity, legal status, age band on the day), by the month of the same child's
start before (end after). A span counts in the months its children on a month's last day
move: one more in its start's month, one fewer in its end's (none when it ends in the month
it starts, so it is open on no month's last day), and, in the month a birthday takes its
child over an age band's bound while it is open, one fewer in the band before and one more in
the next. `storage.repositories.episode_flows` keeps them as it counts a child's rows again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from storage.models import NO_DAY
from storage.report_sql import (
    DFE_BANDS_UNDER,
    NO_BAND,
    dfe_band_in_month,
    month_number,
    month_of_number,
)

# The characteristics a month's rows are kept under, as `EpisodeFlow` names them; and a
# change to the months: key (`EPISODE_MONTH_KEYS`) -> how many more (or fewer).
DIMENSIONS = ("gender", "ethnicity", "legal_status", "band")
Months = Counter[tuple[str, str, date, date, str, str]]


def months_of(rows: Iterable[Sequence[Any]]) -> Months:
    """Rows of `EpisodeFlow` (its `EPISODE_FLOW_COUNTED` columns) added up per month."""
    found: Months = Counter()
    for population, flow, day, other_day, *characteristics, birth_date in rows:
        values = dict(zip(DIMENSIONS, characteristics, strict=True))
        if flow == "open":
            moves = _span_moves(day, other_day, values, birth_date)
        else:
            other = NO_DAY if other_day is None else other_day.replace(day=1)
            moves = ((day.replace(day=1), other, name, value, 1) for name, value in values.items())
        for month, other_month, dimension, value, n in moves:
            found[(population, flow, month, other_month, dimension, value or "")] += n
    return found


def _span_moves(
    started: date, ended: date | None, values: dict[str, Any], birth: date | None
) -> Iterator[tuple[date, date, str, Any, int]]:
    """What a span adds to the children open on months' last days: (month, `NO_DAY`,
    dimension, value, how many)."""
    first = month_number(started)
    after = None if ended is None else month_number(ended)
    if after is not None and after <= first:
        return
    moves: list[tuple[int, str, Any, int]] = []
    for dimension in DIMENSIONS[:-1]:
        moves.append((first, dimension, values[dimension], 1))
        if after is not None:
            moves.append((after, dimension, values[dimension], -1))
    if birth is None:
        moves.append((first, "band", NO_BAND, 1))
        if after is not None:
            moves.append((after, "band", NO_BAND, -1))
    else:
        born = month_number(birth)
        moves.append((first, "band", dfe_band_in_month(first - born), 1))
        for _band, years in DFE_BANDS_UNDER:
            bound = born + 12 * years
            if first < bound and (after is None or bound < after):
                moves.append((bound, "band", dfe_band_in_month(bound - 1 - born), -1))
                moves.append((bound, "band", dfe_band_in_month(bound - born), 1))
        if after is not None:
            moves.append((after, "band", dfe_band_in_month(after - 1 - born), -1))
    for number, dimension, value, n in moves:
        yield month_of_number(number), NO_DAY, dimension, value, n
