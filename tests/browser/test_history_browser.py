"""The browser's Back button goes back a page; slider moves replace the address (issue 11).

The address bar is a link to the current view, updated on every slider move. Those
updates replace the current history entry; a change of page adds one. So four slider
moves followed by a page change cost one entry, and Back returns to the page before, with
the settings it had last.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import nav_link, wait_for_app_run


def _settle(page: object) -> None:
    wait_for_app_run(page, settle_ms=800, timeout_ms=60_000)


def _history_length(page: object) -> int:
    return int(page.evaluate("history.length"))  # type: ignore[attr-defined]


def _nav(page: object, url_path: str) -> None:
    """Open the page at ``url_path`` by the sidebar's navigation (same session)."""
    nav_link(page, url_path).click()  # type: ignore[attr-defined]
    _settle(page)


def _move_budget(page: object, steps: int) -> None:
    """Move the budget slider one step right, ``steps`` times, each move its own run."""
    slider = page.get_by_role("slider").first  # type: ignore[attr-defined]
    for _ in range(steps):
        slider.focus()
        page.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
        _settle(page)


def test_slider_moves_replace_and_back_goes_to_the_previous_page(app_url, page):
    page.goto(f"{app_url}/?scenario=riverton&lang=en")
    _settle(page)
    start = _history_length(page)
    _move_budget(page, 4)  # 40,000 -> 44,000 in steps of 1,000
    expect(page).to_have_url(re.compile(r"[?&]budget=44000(&|$)"))
    assert _history_length(page) == start, "slider moves added history entries"

    _nav(page, "budget")  # What money buys
    expect(page).to_have_url(re.compile(r"/budget\?.*budget=44000"))
    _nav(page, "explore")  # Explore the place
    expect(page).to_have_url(re.compile(r"/explore\?"))
    assert _history_length(page) == start + 2, "a page change should add one entry"

    page.go_back()
    _settle(page)
    expect(page).to_have_url(re.compile(r"/budget\?.*budget=44000"))
    page.get_by_text("What money buys: Riverton").wait_for()
    page.go_back()
    _settle(page)
    expect(page).to_have_url(re.compile(r"/\?.*budget=44000"))
    expect(page.get_by_role("slider").first).to_have_value("44000")


def test_the_first_address_fix_up_is_not_a_step_back(app_url, page):
    """Opened at the bare address, the app writes its full link (scenario, language);
    Back from the next page returns to the app's first view, not to a bare copy of it."""
    page.goto(f"{app_url}/")
    _settle(page)
    expect(page).to_have_url(re.compile(r"\?scenario=riverton&lang=en"))
    _move_budget(page, 2)
    _nav(page, "explore")  # Explore
    page.go_back()
    _settle(page)
    expect(page).to_have_url(re.compile(r"/\?scenario=riverton&lang=en&budget=42000"))
    page.go_back()
    # the bare entry (before the app's first run) is passed over: the browser goes on to
    # the page before the app, here the new tab's about:blank
    page.wait_for_url("about:blank")
