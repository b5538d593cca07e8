"""The analysis pages in a real browser: each opens, draws its chart and answers a click.

Uses the ``app_url`` and ``page`` fixtures of ``tests/browser/conftest.py`` (a
``streamlit run app.py`` server and a fresh headless chromium page per test).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app_run

pytestmark = pytest.mark.browser


def _settle(page: object) -> None:
    """Wait until Streamlit has finished running the script (an analysis may take long)."""
    wait_for_app_run(page, timeout_ms=90_000)


def _open(page: object, app_url: str, path: str) -> None:
    page.goto(f"{app_url}/{path}")  # type: ignore[attr-defined]
    _settle(page)


def _no_exception(page: object) -> None:
    assert page.locator("[data-testid='stException']").count() == 0  # type: ignore[attr-defined]


def test_tradeoffs_page(page, app_url):
    """The frontier chart is drawn and the price of fairness is stated."""
    _open(page, app_url, "tradeoffs")
    page.get_by_text("What fairness costs: Riverton").wait_for()
    page.get_by_text("Raising the worst-served district from").first.wait_for()
    expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_attached()
    page.get_by_text("Allocation at point").wait_for()
    _no_exception(page)


def test_budget_page(page, app_url):
    """The budget curve is drawn; the smallest budget for 90% is found on a click."""
    _open(page, app_url, "budget")
    page.get_by_text("What money buys: Riverton").wait_for()
    page.get_by_text("Another 10% of budget").wait_for()
    expect(page.locator("[data-testid='stVegaLiteChart']").nth(1)).to_be_attached()
    page.get_by_role("button", name="Find the smallest budget").click()
    _settle(page)
    page.get_by_text("The smallest budget at which every district reaches").wait_for()
    _no_exception(page)


def test_robustness_page(page, app_url):
    """Five runs with a progress bar end in the summary and the range chart."""
    _open(page, app_url, "robustness")
    page.get_by_text("How stable it is: Riverton").wait_for()
    runs = page.get_by_label("Runs")
    runs.fill("5")
    runs.press("Enter")
    _settle(page)
    page.get_by_role("button", name="Run", exact=True).click()
    _settle(page)
    page.get_by_text("of 5 runs found an allocation").wait_for(timeout=90_000)
    expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_attached()
    _no_exception(page)


def test_compare_page(page, app_url):
    """Two saved options are compared with a sentence and a difference chart."""
    _open(page, app_url, "compare")
    page.get_by_text("Compare options: Riverton").wait_for()
    for name in ("First", "Second"):
        box = page.get_by_label("Name of this option")
        box.click()
        box.fill(name)
        box.press("Enter")  # Enter in a form's text box submits the form
        _settle(page)
        page.get_by_text(f"Saved “{name}”.").wait_for()
    # the same settings twice: every district keeps its coverage
    page.get_by_text("give every district the same coverage").wait_for()
    expect(page.get_by_role("button", name="Download the saved options (JSON)")).to_have_count(1)
    _no_exception(page)


def test_tradeoffs_click_a_point(page, app_url):
    """Clicking the leftmost dot of the frontier (the most efficient point) shows point 1.

    The dot is found in a screenshot of the chart: the leftmost pixel in the dots' colour
    (#0072B2) is the left edge of the first dot; the click lands a few pixels inside it.
    """
    import io

    from PIL import Image

    _open(page, app_url, "tradeoffs")
    page.get_by_text("Allocation at point").wait_for()
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = chart.bounding_box()
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    scale = image.width / box["width"]
    hits = [
        (x, y)
        for x in range(image.width)
        for y in range(int(image.height * 0.1), int(image.height * 0.85))
        if all(abs(a - b) <= 12 for a, b in zip(image.getpixel((x, y)), (0, 114, 178)))
    ]
    assert hits, "no frontier dot found in the chart"
    x, y = min(hits)
    page.mouse.click(box["x"] + (x + 5 * scale) / scale, box["y"] + y / scale)
    _settle(page)
    page.get_by_text("Allocation at point 1", exact=True).wait_for()
    _no_exception(page)
