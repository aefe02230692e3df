"""The report's definitions: whole sentences kept as data, in words readers use."""

from __future__ import annotations

import re

import pytest

from feedback_reports.definitions import definitions
from feedback_reports.participation_model import ReportOptions

# Names only the code uses: snake_case ids, dotted columns, anything in backticks.
INTERNAL = re.compile(r"`|\b[a-z]+_[a-z0-9_]+\b|\b[a-z]+\.[a-z_]+\b")


@pytest.mark.parametrize(
    "options",
    [
        ReportOptions(),
        ReportOptions(exclude_pn0=True, year_start_month=1, suppress_below=1),
        ReportOptions(year_start_month=9, suppress_below=10),
        ReportOptions(compare=False, targets={"in_timescale": 95, "views_via_bot": 12.5}),
    ],
)
def test_every_definition_is_a_whole_sentence_in_plain_words(options: ReportOptions) -> None:
    found = definitions(options)
    assert len(found) >= 10
    for item in found:
        assert item.term == "[c]" or item.term[0].isupper()
        assert item.meaning[0].isupper() and item.meaning.endswith("."), item
        assert not INTERNAL.search(f"{item.term} {item.meaning}"), item
    terms = [item.term for item in found]
    assert len(set(terms)) == len(terms)


def _meaning(options: ReportOptions, term: str) -> str:
    return next(d.meaning for d in definitions(options) if d.term == term)


def test_the_definitions_say_how_this_report_was_made() -> None:
    default, other = ReportOptions(), ReportOptions(exclude_pn0=True, year_start_month=1)
    assert "leaving out PN0" not in _meaning(default, "Participation codes")
    assert "leaving out PN0" in _meaning(other, "Participation codes")
    assert "April" in _meaning(default, "Quarters") and "2026-27 Q1" in _meaning(
        default, "Quarters"
    )
    assert "January" in _meaning(other, "Quarters") and "2026 Q1" in _meaning(other, "Quarters")
    assert "from 1 to 4" in _meaning(default, "[c]")
    assert "from 1 to 9" in _meaning(ReportOptions(suppress_below=10), "[c]")
    assert "Nothing is withheld" in _meaning(ReportOptions(suppress_below=1), "Withheld counts")
    assert "counts them as late" in _meaning(default, "Due, not held")


def test_the_definitions_name_the_year_before_and_the_targets_in_words() -> None:
    terms = [d.term for d in definitions(ReportOptions())]
    assert "A year before" in terms and "Targets" not in terms
    assert "A year before" not in [d.term for d in definitions(ReportOptions(compare=False))]
    targets = ReportOptions(targets={"in_timescale": 95, "views_via_bot": 12.5})
    assert _meaning(targets, "Targets") == (
        "The service's own targets, drawn as dashed lines on the charts: In timescale (of those "
        "held): 95%; Views sent through My Say: 12.5%."
    )
