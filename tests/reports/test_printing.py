"""The printable report, checked in headless Chromium: A4, every chart whole, nothing cut off.

Uses Debian's `chromium` (never a browser Playwright downloads); the test is skipped only
where that binary is absent (.ci/run installs it). A screenshot of the page as printed is
saved to tests/reports/out/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from feedback_reports import charts
from feedback_reports.participation_model import ParticipationReport
from tests.reports.test_participation import _participation, year  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "out"
PERIOD = ("--from", "2025-01-01", "--to", "2025-12-31")
# A4 is 210 mm wide; less the page's 12 mm margins each side, at 96 CSS pixels to the inch.
PRINTABLE_WIDTH = round((210 - 2 * 12) / 25.4 * 96)
A4_HEIGHT = round(297 / 25.4 * 96)

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed here (.ci/run installs it)"
)


def _bars(axes: Axes) -> list[Rectangle]:
    return [patch for patch in axes.patches if isinstance(patch, Rectangle)]


def _check_charts(report: ParticipationReport) -> None:
    """No axis below zero, every bar inside its axes, and the targets drawn where they are."""
    for name, figure in charts.figures(report).items():
        for axes in figure.axes:
            low, high = axes.get_ylim()
            assert low == 0 and high > 0, (name, low, high)
            for bar in _bars(axes):
                assert 0 <= bar.get_height() <= high, (name, bar.get_height(), high)
            if name == "year_on_year":
                heights = sorted(bar.get_height() for bar in _bars(axes))
                assert heights[-1] > 0, name  # percentages that exist are drawn
                assert _target_heights(axes) == {95.0, 80.0}, name
    assert _target_heights(charts.quarterly_trend(report).axes[0]) == {80.0}


def _target_heights(axes: Axes) -> set[float]:
    """Heights of the dashed target lines drawn on a chart."""
    return {
        float(segment[0][1])
        for lines in axes.collections
        if isinstance(lines, LineCollection)
        for segment in lines.get_segments()
    }


@needs_chromium
def test_the_report_prints_on_a4_with_every_chart_whole(
    year: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    from playwright.sync_api import sync_playwright

    env = {**year, "MYSAY_REPORT_TARGETS": "in_timescale=95,attended=80"}
    args = (*PERIOD, "--suppress-below", "1")
    report = ParticipationReport.model_validate(json.loads(_participation(env, *args)))
    _check_charts(report)
    out = tmp_path / "participation.html"
    _participation(env, *args, "--format", "html", "--out", str(out))
    assert "In timescale (of those held) (target 95%)" in out.read_text(encoding="utf-8")
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": PRINTABLE_WIDTH, "height": A4_HEIGHT})
            page.emulate_media(media="print")
            page.goto(out.as_uri())
            images = page.eval_on_selector_all(
                "img.chart",
                """found => found.map(i => ({
                    alt: i.alt, loaded: i.complete && i.naturalWidth > 0,
                    left: i.getBoundingClientRect().left, right: i.getBoundingClientRect().right,
                    height: i.getBoundingClientRect().height}))""",
            )
            widest = page.evaluate(
                """() => Math.max(...[...document.querySelectorAll('body *')]
                    .map(e => e.getBoundingClientRect().right))"""
            )
            page.screenshot(path=str(SCREENSHOTS / "participation.png"), full_page=True)
            pdf = page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    assert len(images) == 8  # the children's, the plans' and the challenges' too
    for image in images:
        assert image["loaded"] and image["height"] > 0, image["alt"]
        assert image["left"] >= 0 and image["right"] <= PRINTABLE_WIDTH, image["alt"]
    assert widest <= PRINTABLE_WIDTH  # no table or chart runs off the paper
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and 2 <= pages <= 12
    assert (SCREENSHOTS / "participation.png").stat().st_size > 0
