"""The service's targets: each is drawn as a dashed line over the bars of its own figure, on
every chart that shows that figure (the meetings' and the children's), and named in the tables.

Checked on the matplotlib figures (where each line and bar stands) and in headless Chromium
(every chart of the printed report loads; a screenshot is kept in tests/reports/out/).
"""

from __future__ import annotations

import json
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from feedback_reports import charts
from feedback_reports.participation_model import ParticipationReport
from tests.reports import annual_year
from tests.reports.test_annual_children import PERIOD, children_year  # noqa: F401
from tests.reports.test_participation import _participation
from tests.reports.test_printing import (
    A4_HEIGHT,
    CHROMIUM,
    PRINTABLE_WIDTH,
    SCREENSHOTS,
    needs_chromium,
)

# A target for a headline figure, one for a figure charted only when it has a target, and
# one for each of the children's percentages.
TARGETS = {
    "in_timescale": 95.0,
    "advocate": 40.0,
    "repeat_plans": 20.0,
    "plans_ended_over_24_months": 5.0,
    "challenges_resolved": 90.0,
    "challenges_resolved_in_timescale": 75.0,
}
Year = tuple[dict[str, str], annual_year.Year]


def _with_targets(env: dict[str, str]) -> dict[str, str]:
    pairs = ",".join(f"{name}={value:g}" for name, value in TARGETS.items())
    return {**env, "MYSAY_REPORT_TARGETS": pairs}


def _bars_under_targets(axes: Axes) -> dict[float, list[float]]:
    """Each dashed target line's height, and the heights of the bars standing under it."""
    bars = [patch for patch in axes.patches if isinstance(patch, Rectangle)]
    found: dict[float, list[float]] = {}
    for lines in axes.collections:
        if not isinstance(lines, LineCollection):
            continue
        for (left, height), (right, _) in lines.get_segments():
            found.setdefault(float(height), []).extend(
                bar.get_height()
                for bar in bars
                if left <= bar.get_x() + bar.get_width() / 2 <= right
            )
    return found


def _pct(rate: dict[str, object]) -> float:
    return rate["pct"] if isinstance(rate["pct"], float) else 0.0


def test_every_target_stands_over_its_own_figure_on_every_chart(children_year: Year) -> None:  # noqa: F811
    env, _ = children_year
    data = json.loads(_participation(_with_targets(env), *PERIOD, "--suppress-below", "1"))
    report = ParticipationReport.model_validate(data)
    assert report.options.targets == TARGETS
    drawn = charts.figures(report)
    before = data["previous"]
    for panel, kind in zip(
        drawn["year_on_year"].axes, ("cla_review", "icpc", "rcpc"), strict=True
    ):
        under = _bars_under_targets(panel)
        assert set(under) == {95.0, 40.0}, kind
        for target, figure in ((95.0, "in_timescale"), (40.0, "advocate")):
            wanted = [_pct(source[kind][figure]) for source in (data, before)]
            assert under[target] == wanted, (kind, figure)
    children, children_before = data["children"], before["children"]
    for chart, target, read in (
        ("plans", 20.0, lambda c: c["plans"]["repeat"]),
        ("plans", 5.0, lambda c: c["plans"]["ended_lasting_over"]["24"]),
        ("challenges", 90.0, lambda c: c["challenges"]["resolved"]),
        ("challenges", 75.0, lambda c: c["challenges"]["resolved_in_timescale"]),
    ):
        (axes,) = drawn[chart].axes
        wanted = [_pct(read(children)), _pct(read(children_before))]
        assert _bars_under_targets(axes)[target] == wanted, (chart, target)
        assert wanted[0] > 0, (chart, target)  # the generated year has these to draw
        low, high = axes.get_ylim()
        assert (low, high) == (0, 100), chart
    # No target for attended, so the trend has none; counts never carry a percentage's line.
    for name in ("trend", "codes", "funnel", "ratings", "children"):
        for axes in drawn[name].axes:
            assert _bars_under_targets(axes) == {}, name


def test_a_chart_without_a_year_before_still_draws_each_target_over_its_bar(
    children_year: Year,  # noqa: F811
) -> None:
    env, _ = children_year
    data = json.loads(
        _participation(_with_targets(env), *PERIOD, "--suppress-below", "1", "--no-compare")
    )
    report = ParticipationReport.model_validate(data)
    (axes,) = charts.challenges(report).axes
    assert _bars_under_targets(axes) == {
        90.0: [data["children"]["challenges"]["resolved"]["pct"]],
        75.0: [data["children"]["challenges"]["resolved_in_timescale"]["pct"]],
    }


@needs_chromium
def test_the_printed_report_names_each_target_and_every_chart_loads(
    children_year: Year,  # noqa: F811
    tmp_path: Path,
) -> None:
    from playwright.sync_api import sync_playwright

    env, _ = children_year
    out = tmp_path / "targets.html"
    _participation(_with_targets(env), *PERIOD, "--format", "html", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    for words in (
        "In timescale (of those held) (target 95%)",
        "Advocate (PN2, PN5) (target 40%)",
        "Repeat plans (of plans started) (target 20%)",
        "Plans ended after over 24 months (target 5%)",
        "Resolved (of challenges raised) (target 90%)",
        "Resolved within the local timescale (target 75%)",
    ):
        assert words in html, words
    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / "annual_targets.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": PRINTABLE_WIDTH, "height": A4_HEIGHT})
            page.emulate_media(media="print")
            page.goto(out.as_uri())
            images = page.eval_on_selector_all(
                "img.chart",
                """found => found.map(i => ({alt: i.alt, loaded: i.complete && i.naturalWidth > 0,
                    right: i.getBoundingClientRect().right,
                    height: i.getBoundingClientRect().height}))""",
            )
            page.locator("section.children").screenshot(path=str(shot))
        finally:
            browser.close()
    assert len(images) == 8  # the meetings' six, and the plans' and the challenges'
    assert sum("targets" in image["alt"] for image in images) == 3
    for image in images:
        assert image["loaded"] and image["height"] > 0, image["alt"]
        assert image["right"] <= PRINTABLE_WIDTH, image["alt"]
    assert shot.stat().st_size > 0
