"""The app in a real browser: slider, language switch, shared link, maps; screenshots.

The headline figure after a slider move is checked against a direct engine solve of the
same settings (formatted with the same ``fmt_num``), so the browser shows the engine's
number, not just "some other number". The screenshots are the README's pictures (see
conftest: written to docs/screenshots/ only when refreshed on purpose).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from govdecide import Allocator, load_scenario
from govdecide.i18n import fmt_num
from tests.browser.conftest import ROOT, screenshot, wait_for_app_run
from ui import controls, solving

TALL = {"width": 1400, "height": 2200}


def _metric_value(page: object, index: int) -> object:
    """The index-th headline figure's value element."""
    return (
        page.locator("[data-testid='stMetric']")  # type: ignore[attr-defined]
        .nth(index)
        .locator("[data-testid='stMetricValue']")
    )


def _engine_people(**changes: float) -> str:
    """People newly served by the engine for Riverton's sliders with ``changes``."""
    scenario = load_scenario(ROOT / "scenarios" / "riverton.yaml")
    specs = controls.control_specs(scenario, "en")
    values = {s.param: s.default for s in specs} | changes
    settings = controls.settings_from_values(values).with_(
        time_limit_s=solving.INTERACTIVE_TIME_LIMIT_S
    )
    return fmt_num(Allocator(scenario).solve(settings).people_newly_served, "en")


def _shot(page: object, name: str) -> None:
    """A README picture (docs/screenshots only when refreshed on purpose, see conftest)."""
    screenshot(page, name, for_docs=True)


def test_slider_language_and_shared_link(app_url, page, browser):
    page.goto(app_url)
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Allocate — Riverton")).to_be_visible()
    # the figure must become the engine's number (retried while the page still renders)
    first = _engine_people()
    expect(_metric_value(page, 0)).to_have_text(first)

    # move the budget slider 10 steps of 1,000 to the right: 40,000 -> 50,000
    budget = page.get_by_role("slider").first
    expect(budget).to_have_value("40000")
    budget.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    wait_for_app_run(page, settle_ms=800)
    expect(budget).to_have_value("50000")
    moved = _engine_people(**{"policy.budget": 50000.0})
    expect(_metric_value(page, 0)).to_have_text(moved)
    assert moved != first
    expect(page).to_have_url(re.compile(r"[?&]budget=50000(&|$)"))

    # switch to Chinese: labels change, figures stay
    page.locator("[data-testid='stSidebar']").get_by_text("中文", exact=True).click()
    wait_for_app_run(page, settle_ms=800)
    expect(page.get_by_role("heading", name="分配 — 河湾市")).to_be_visible()
    expect(page.get_by_text("新增服务人数").first).to_be_visible()
    expect(_metric_value(page, 0)).to_have_text(moved)
    expect(page).to_have_url(re.compile(r"[?&]lang=zh(&|$)"))
    shared = page.url

    # a copied link opens the same view in a new session
    other = browser.new_context(viewport=TALL, locale="en-US")
    try:
        fresh = other.new_page()
        fresh.goto(shared)
        wait_for_app_run(fresh, settle_ms=1500)
        expect(fresh.get_by_role("heading", name="分配 — 河湾市")).to_be_visible()
        expect(fresh.get_by_role("slider").first).to_have_value("50000")
        expect(_metric_value(fresh, 0)).to_have_text(moved)
        _shot(fresh, "allocate_zh.png")
    finally:
        other.close()


def test_screenshots_of_the_main_pages(app_url, browser):
    context = browser.new_context(viewport=TALL, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(app_url + "/?scenario=riverton&lang=en")
        wait_for_app_run(page, settle_ms=1500)
        expect(page.locator("[data-testid='stMetric']")).to_have_count(6)
        _shot(page, "allocate.png")

        page.get_by_role("tab", name="Coverage").click()
        # the tab switch reruns the fragment; wait for its chart rather than a fixed time
        page.get_by_text("Coverage before and after, per district").first.wait_for(state="visible")
        wait_for_app_run(page, settle_ms=800)
        _shot(page, "allocate_coverage.png")

        page.get_by_role("tab", name="Map of gains").click()
        page.get_by_text("Coverage gain per district").first.wait_for(state="visible")

        page.goto(app_url + "/present?scenario=riverton&lang=en&equity=0.8")
        wait_for_app_run(page, settle_ms=1500)
        expect(page.get_by_role("heading", name="Riverton")).to_be_visible()
        expect(page.locator("[data-testid='stMetric']")).to_have_count(3)
        _shot(page, "present.png")

        page.goto(app_url + "/explore?scenario=riverton&lang=en")
        wait_for_app_run(page, settle_ms=1500)
        expect(page.get_by_role("heading", name="Explore — Riverton")).to_be_visible()
        expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_attached()
        _shot(page, "explore_riverton.png")

        page.goto(app_url + "/explore?scenario=london&lang=en")
        wait_for_app_run(page, settle_ms=2000)
        expect(page.get_by_role("heading", name="Explore — London")).to_be_visible()
        chart = page.locator("[data-testid='stVegaLiteChart']").first
        chart.wait_for(state="visible")
        # the borough shapes are drawn (Vega renders to a canvas or svg)
        expect(chart.locator("canvas, svg").first).to_be_attached()
        _shot(page, "explore_london.png")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en"])
def test_infeasible_budget_shows_the_way_out(app_url, page, lang):
    """Budget 0 with 20 school places promised to Eastfield: the diagnosis, no trace."""
    page.goto(app_url + f"/?scenario=riverton&lang={lang}&budget=0")
    wait_for_app_run(page, settle_ms=1000)
    infeasible = "Infeasible: no allocation meets all the limits at once"
    expect(page.get_by_text(infeasible)).to_be_visible()
    expect(page.get_by_text("raise the budget from 0 to 2,400")).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0


def test_language_defaults_from_the_browser_locale(app_url, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(app_url + "/explore")
        wait_for_app_run(page, settle_ms=1000)
        expect(page.get_by_role("heading", name="了解地区 — 河湾市")).to_be_visible()
        expect(page).to_have_url(re.compile(r"[?&]lang=zh(&|$)"))
    finally:
        context.close()
