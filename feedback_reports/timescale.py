"""In timescale: one definition for the report, the review record and the words that explain it.

A meeting is in timescale when the local authority says so: what it recorded (the IRO's
outcome, or the `in_timescale` column of an import) wins. When nothing is recorded, a meeting
is in timescale when it was held on or before its due date. Not held yet: unknown. The same
condition in SQL is `storage.report_sql.in_timescale_sql` (the meetings' kept counts use it).
"""

from __future__ import annotations

from datetime import date

IN_TIMESCALE = (
    "The local authority's own record of whether the meeting was in timescale where there is "
    "one; otherwise, held on or before its due date."
)


def in_timescale(recorded: bool | None, due: date, held: date | None) -> bool | None:
    """Whether a meeting was in timescale; None while it has not been held."""
    if recorded is not None:
        return recorded
    return None if held is None else held <= due


def in_timescale_words(recorded: bool | None, due: date, held: date | None) -> str:
    """The answer with its reason, as the review record prints it."""
    found = in_timescale(recorded, due, held)
    if found is None:
        return "not held yet"
    answer = "yes" if found else "no"
    if recorded is not None:
        return f"{answer} (as recorded)"
    return f"{answer} (held {'on or before' if found else 'after'} its due date)"
