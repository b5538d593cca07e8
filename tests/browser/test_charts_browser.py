"""Every chart of every page really draws in the browser, in both languages (issue 11).

A chart that renders correctly through vl-convert can still draw nothing in the app
(Streamlit fits it to the page width and its given height). For each chart on each page
the test measures the SVG (see :mod:`tests.browser.chart_checks`): the plot area has a
real size, the chart title is inside the drawing, number axes show a scale, row labels are
all shown, every axis has a title, and some mark has an area. All problems are collected
and reported together; each chart is also saved as a screenshot in the ignored folder.
No request may leave the app's server meanwhile (the app works offline).
"""

from __future__ import annotations

import pytest

from govdecide.i18n import t
from tests.browser.chart_checks import chart_facts, chart_problems
from tests.browser.conftest import (
    nav_link,
    outside_requests,
    record_requests,
    screenshot_dir,
    wait_for_app_run,
)

TALL = {"width": 1400, "height": 1600}


def _settle(page: object) -> None:
    wait_for_app_run(page, settle_ms=800, timeout_ms=90_000)


class Charts:
    """Checks the charts on the open page and keeps every problem found."""

    def __init__(self, page: object, lang: str) -> None:
        self.page, self.lang, self.problems, self.seen = page, lang, [], 0

    def check(self, where: str, expected: int, maps: tuple[int, ...] = ()) -> None:
        """The ``expected`` charts on the page (``maps``: the indices that are maps)."""
        charts = self.page.locator("[data-testid='stVegaLiteChart']")  # type: ignore[attr-defined]
        charts.nth(expected - 1).wait_for(state="visible")
        self.page.wait_for_timeout(800)  # type: ignore[attr-defined]  # Vega draws after mount
        if charts.count() != expected:
            self.problems.append(f"{where}: {charts.count()} charts, {expected} expected")
        for i in range(charts.count()):
            chart = charts.nth(i)
            chart.scroll_into_view_if_needed()
            name = f"{self.lang} {where} chart {i}"
            folder = screenshot_dir()
            folder.mkdir(parents=True, exist_ok=True)
            chart.screenshot(path=str(folder / f"chart-{self.lang}-{where}-{i}.png"))
            self.problems.extend(chart_problems(chart_facts(chart), name, is_map=i in maps))
            self.seen += 1


def _open(page: object, url: str) -> None:
    page.goto(url)  # type: ignore[attr-defined]
    _settle(page)


def _click_key(page: object, key: str) -> None:
    """Click the button whose Streamlit key is ``key`` (language-independent)."""
    page.locator(f".st-key-{key} button").first.click()  # type: ignore[attr-defined]
    _settle(page)


def _allocate_and_present(charts: Charts, base: str, lang: str) -> None:
    page = charts.page
    _open(page, f"{base}/?scenario=riverton&lang={lang}")
    for tab, is_map in (("spend", False), ("units", False), ("coverage", False), ("map", True)):
        page.get_by_role("tab", name=t(f"app.alloc.tab_{tab}", lang)).click()  # type: ignore[attr-defined]
        _settle(page)
        charts.check(f"allocate-{tab}", 1, maps=(0,) if is_map else ())
    _open(page, f"{base}/present?scenario=riverton&lang={lang}")
    charts.check("present", 2, maps=(1,))  # coverage, then the map of gains
    for scenario in ("riverton", "london"):
        _open(page, f"{base}/explore?scenario={scenario}&lang={lang}")
        charts.check(f"explore-{scenario}", 1, maps=(0,))


def _analyses(charts: Charts, base: str, lang: str) -> None:
    page = charts.page
    _open(page, f"{base}/tradeoffs?scenario=riverton&lang={lang}")
    charts.check("tradeoffs", 1)
    _open(page, f"{base}/budget?scenario=riverton&lang={lang}")
    charts.check("budget", 2)
    _open(page, f"{base}/robustness?scenario=riverton&lang={lang}")
    runs = page.locator(".st-key-an_rob_runs input")  # type: ignore[attr-defined]
    runs.fill("5")
    runs.press("Enter")
    _settle(page)
    _click_key(page, "an_rob_go")
    charts.check("robustness", 1)


def _nav(page: object, url_path: str) -> None:
    """Go to the page at ``url_path`` by the sidebar's navigation (same session)."""
    nav_link(page, url_path).click()  # type: ignore[attr-defined]
    _settle(page)


def _compare(charts: Charts, base: str, lang: str) -> None:
    """Two options with different budgets (30,000 from the link, then the scenario's
    40,000 after the Allocate page's reset), so the difference chart has bars to draw."""
    page = charts.page
    _open(page, f"{base}/compare?scenario=riverton&lang={lang}&budget=30000")
    for name in ("Lean", "Full"):
        box = page.locator(".st-key-an_cmp_name input")  # type: ignore[attr-defined]
        box.fill(name)
        box.press("Enter")
        _settle(page)
        if name == "Lean":
            _nav(page, "")  # Allocate
            _click_key(page, "reset-riverton")
            _nav(page, "compare")  # Compare options
    charts.check("compare", 1)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_chart_draws(app_url, browser, lang):
    context = browser.new_context(viewport=TALL, locale="en-GB")
    asked = record_requests(context)
    try:
        charts = Charts(context.new_page(), lang)
        charts.page.set_default_timeout(90_000)
        _allocate_and_present(charts, app_url, lang)
        _analyses(charts, app_url, lang)
        _compare(charts, app_url, lang)
    finally:
        context.close()
    assert charts.seen == 13  # Present draws the map of gains too (issue 16)
    assert not charts.problems, "\n".join(charts.problems)
    assert not outside_requests(app_url, asked)  # offline, charts drawn included
