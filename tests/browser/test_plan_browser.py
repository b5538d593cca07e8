"""The "Plan over years" page in a real browser: a person opens it, moves the years, reads.

Riverton opens with five years; the four charts (what is commissioned when, each year's
budget use, E and z per year, the district x year heatmap) must really draw, measured from
the SVG Vega renders (:mod:`tests.browser.chart_checks`), in English and in Chinese. The
person then moves the years slider down to three and the plan's sentences follow. A
screenshot of the whole page is saved (the ignored folder, or the README's with
``GOVDECIDE_REFRESH_SCREENSHOTS=1``); no request leaves the app's server.

Riverton's file gives running costs and growth, so the page shows no illustrative
assumption; London's gives running costs but no growth of need, so the page offers the
growth assumption (and only that one) and still draws its four charts.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from govdecide.i18n import t
from tests.browser.chart_checks import chart_facts, chart_problems
from tests.browser.conftest import (
    outside_requests,
    record_requests,
    screenshot,
    wait_for_app_run,
)

TALL = {"width": 1400, "height": 1800}


def _settle(page: object) -> None:
    wait_for_app_run(page, settle_ms=800, timeout_ms=180_000)


def _chart_problems(page: object, where: str) -> list[str]:
    charts = page.locator("[data-testid='stVegaLiteChart']")  # type: ignore[attr-defined]
    charts.nth(3).wait_for(state="visible")
    page.wait_for_timeout(1000)  # type: ignore[attr-defined]  # Vega draws after mount
    problems = [] if charts.count() == 4 else [f"{where}: {charts.count()} charts, 4 expected"]
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        problems += chart_problems(chart_facts(chart), f"{where} chart {i}")
    return problems


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plan_page_draws_its_charts_and_follows_the_years(app_url, browser, lang):
    context = browser.new_context(viewport=TALL, locale="en-GB")
    asked = record_requests(context)
    try:
        page = context.new_page()
        page.set_default_timeout(180_000)
        page.goto(f"{app_url}/plan?scenario=riverton&lang={lang}")
        _settle(page)
        main = page.locator("[data-testid='stMain']")
        title = "Plan over years" if lang == "en" else "多年规划"
        assert title in main.locator("h1").first.inner_text()
        year_five = "In year 5" if lang == "en" else "第 5 年"
        assert year_five in main.inner_text()
        assert main.get_by_text(t("plan.page.assumptions", lang)).count() == 0
        problems = _chart_problems(page, f"{lang} five years")
        page.evaluate("window.scrollTo(0, 0)")
        shot = screenshot(page, f"plan-{lang}.png", for_docs=lang == "en", full_page=True)
        assert shot.stat().st_size > 50_000  # a drawn page, not a blank one
        slider = main.get_by_role("slider").first  # the years, 5
        expect(slider).to_have_value("5")
        slider.focus()
        for _ in range(2):
            page.keyboard.press("ArrowLeft")
        _settle(page)
        expect(slider).to_have_value("3")
        text = main.inner_text()
        three = "By year 3" if lang == "en" else "到第 3 年"
        assert three in text and year_five not in text
        problems += _chart_problems(page, f"{lang} three years")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    assert not outside_requests(app_url, asked)


def test_a_file_without_growth_gets_the_growth_assumption_only(app_url, browser):
    """London: running costs in the file, no growth: one assumption slider, four charts."""
    context = browser.new_context(viewport=TALL, locale="en-GB")
    asked = record_requests(context)
    try:
        page = context.new_page()
        page.set_default_timeout(180_000)
        page.goto(f"{app_url}/plan?scenario=london&lang=en")
        _settle(page)
        main = page.locator("[data-testid='stMain']")
        expect(main.get_by_text(t("plan.page.assumptions", "en"), exact=True)).to_be_visible()
        expect(main.get_by_text(t("plan.page.need_growth", "en"), exact=True)).to_be_visible()
        assert main.get_by_text(t("plan.page.running_share", "en")).count() == 0
        problems = _chart_problems(page, "london")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    assert not outside_requests(app_url, asked)
