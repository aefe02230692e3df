"""What each figure of the participation report means, in words for the people who read it.

Kept as data, one entry per term, and printed in every report (the JSON too), so the wording
is reviewed like the figures. Some entries depend on how the report was asked for: whether
PN0 is left out, when the year starts, and below what count figures are withheld.
"""

from __future__ import annotations

import calendar
from datetime import date

from feedback_reports.children_words import children_definitions
from feedback_reports.labels import TARGET_WORDS
from feedback_reports.metrics_queries import quarters
from feedback_reports.participation_model import Definition, ReportOptions
from feedback_reports.timescale import IN_TIMESCALE


def _quarters(options: ReportOptions) -> str:
    month = calendar.month_name[options.year_start_month]
    start = date(2026, options.year_start_month, 1)
    first = quarters(start, start, options.year_start_month)[0]
    last_month = calendar.month_name[first.end.month]
    return (
        f"Quarters of the service's year, which starts in {month}: {first.label} is "
        f"{month} to {last_month} {first.end.year}."
    )


def _participation(options: ReportOptions) -> str:
    left_out = ", leaving out PN0 (a child under 4)" if options.exclude_pn0 else ""
    return (
        "Attended is PN1 to PN4; views conveyed without attending, PN5 or PN6; advocate, PN2 "
        "or PN5; views not conveyed, PN7. These rates are out of the meetings with a code "
        f"recorded{left_out}. Meetings with no code recorded are counted on their own, never "
        "as not taking part."
    )


def _withheld(options: ReportOptions) -> str:
    if options.suppress_below <= 1:
        return (
            "Nothing is withheld in this report, so it may identify children: keep it inside "
            "the service."
        )
    return (
        f"A count from 1 to {options.suppress_below - 1} is withheld and shown as [c], and so "
        "is any other count that would let a withheld one be worked out from the totals, and "
        "any percentage built on a withheld count. Zeros are always shown. This applies to the "
        "meetings, the trend, the breakdowns, the invitations and the children's tables."
    )


def _targets(options: ReportOptions) -> str:
    named = "; ".join(
        f"{TARGET_WORDS[name]}: {target:g}%" for name, target in options.targets.items()
    )
    return f"The service's own targets, drawn as dashed lines on the charts: {named}."


def definitions(options: ReportOptions) -> list[Definition]:
    """The definitions printed in a report made with these options, in reading order."""
    entries = [
        (
            "Meetings held",
            "A meeting counts in the period when it was held on a day from the first to the "
            "last day of the period.",
        ),
        (
            "Kinds of meeting",
            "Looked-after reviews, initial child protection conferences and review child "
            "protection conferences are counted apart: no figure adds them together.",
        ),
        (
            "Percentages",
            "Each is shown with its count and what it is out of, to one decimal place. n/a "
            "means there was nothing to divide by, which is not the same as 0%.",
        ),
        ("Participation codes", _participation(options)),
        (
            "Seen by the IRO before",
            "Out of the meetings where the IRO recorded yes or no; those with nothing recorded "
            "are counted on their own.",
        ),
        ("In timescale", IN_TIMESCALE + " It is out of the meetings held in the period."),
        (
            "Due, not held",
            "Meetings due in the period, before the day the report was made, and not held by "
            "the end of the period. The in-timescale percentage leaves them out; the second "
            "in-timescale figure counts them as late, so it is out of more meetings (held plus "
            "due, not held).",
        ),
        (
            "Views sent through My Say",
            "The child sent their views through My Say on or before the day of the meeting "
            "(by the date in UTC).",
        ),
        ("Quarters", _quarters(options)),
        (
            "Age bands",
            "The child's age on the day of the meeting; for invitations, on the last day of the "
            "period.",
        ),
        (
            "Invitations",
            "Invited and joined count invitations made and used in the period; started and "
            "sent count people, each once.",
        ),
        ("[c]" if options.suppress_below > 1 else "Withheld counts", _withheld(options)),
        (
            "Parents' and carers' feedback",
            "Percentages are out of the people who answered that question. Themes are what "
            "their own words were about, found with a reviewed word list; one answer can have "
            "several. These counts are of answers, not of children, and are shown in full.",
        ),
    ]
    if options.chaired_by is None:
        entries += children_definitions(options)
    if options.compare:
        entries.append(
            (
                "A year before",
                "The same days a year earlier (29 February becomes the 28th), counted the same "
                "way; its small counts are withheld on their own.",
            )
        )
    if options.targets:
        entries.append(("Targets", _targets(options)))
    return [Definition(term=term, meaning=meaning) for term, meaning in entries]
