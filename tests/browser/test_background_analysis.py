"""A long analysis in a real browser (issue 15): in the background, with a bar and a Stop.

Robustness on Riverton (10 districts x 5 programs = 50 pairs) with the page's most runs,
500: 25,000 pair-solves, far past ``SMALL_WORK`` (5,000), so the page hands the runs to
the server's pool of worker processes (2 processes, or the machine's cores if fewer) and
polls the job. 500 runs, not the smallest count that goes to the background (101 runs, a
few seconds): the second person must be answered *while* the analysis still runs, on a
loaded machine too, so the analysis is made long (some 20 s of solving) next to the one
Allocate rerun the second person waits for. Nothing is timed: every step waits for a
state of the page (generous timeouts), and "the second person was answered before the
first analysis ended" is read from the first page right after the second's answer.

(a) A second person opens the robustness page (and sees nothing of anyone else's
analysis), goes to Allocate through the sidebar and gets the engine's figure. The first
person starts the analysis: the bar starts at run 0 of 500 and counts up; the second
person moves the budget slider and gets the engine's new figure; the first analysis is
then still running; its summary, chart and table appear once every run is done (the chart
really draws: :mod:`tests.browser.chart_checks`).

(b) One person starts it and presses Stop: the page says it stopped after n of 500 solves
with n < 500 (a pool that went on solving would end only after all 500: the analysis
waits for the pool's chunks before it reports the stop), shows no summary and no chart,
and a rerun of the page shows the same n (no more work is counted on it). "Start again"
starts fresh at run 0 of 500; stopped again, it again stops short of 500.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from govdecide.analyses.parallel import SMALL_WORK, cores
from govdecide.i18n import t
from tests.browser.chart_checks import chart_facts, chart_problems
from tests.browser.conftest import nav_link, screenshot, screenshot_dir, wait_for_app_run
from tests.browser.test_app_browser import _engine_people, _metric_value

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

RUNS = 500  # the page's most (an.MAX_ROBUSTNESS_RUNS); see the module's docstring
PAIRS = 50  # Riverton's district-program pairs
PROCESSES = min(2, cores())
LONG_MS = 600_000  # the whole analysis on a loaded 2-core machine
VIEW = {"width": 1400, "height": 1400}


def _settle(page: object) -> None:
    wait_for_app_run(page, settle_ms=500, timeout_ms=90_000)


def _fill(page: object, label: str, value: int) -> None:
    """Type ``value`` into the number input labelled ``label`` and let the page rerun."""
    box = page.get_by_label(label, exact=True)  # type: ignore[attr-defined]
    box.fill(str(value))
    box.press("Enter")
    _settle(page)


def _bar(done: str = r"\d+") -> re.Pattern[str]:
    """The robustness bar's text for :data:`RUNS` runs, ``done`` a regular expression."""
    text = re.escape(t("an.robust.progress", "en", done="DONE", total=RUNS))
    return re.compile(text.replace("DONE", done))


def _stopped_count(page: object) -> int:
    """The finished solves the note of a stopped analysis states (waits for the note)."""
    text = re.escape(t("par.app.stopped", "en", done="DONE", total=RUNS))
    pattern = re.compile(text.replace("DONE", r"(\d+)"))
    note = page.get_by_text(pattern)  # type: ignore[attr-defined]
    note.wait_for(timeout=LONG_MS)
    return int(pattern.search(note.inner_text()).group(1))  # type: ignore[union-attr]


def _summary(page: object) -> object:
    """The robustness summary's sentence for :data:`RUNS` runs ("... of 500 runs ...")."""
    blanks = dict.fromkeys(("e_lo", "e_hi", "z_lo", "z_hi"), "")
    text = t("an.robust.summary", "en", solved="X", runs=RUNS, **blanks)
    words = text.split("X", 1)[1].split(".")[0]  # " of 500 runs found an allocation"
    return page.get_by_text(words)  # type: ignore[attr-defined]


def _stop_button(page: object) -> object:
    return page.get_by_role("button", name=t("par.app.stop", "en"), exact=True)  # type: ignore[attr-defined]


def _start_robustness(page: object, app_url: str, seed: int) -> None:
    """Open the robustness page on Riverton, ask for :data:`RUNS` runs with ``seed`` on
    :data:`PROCESSES` processes, press Run; returns when the bar shows run 0 of 500."""
    assert RUNS * PAIRS > SMALL_WORK  # a long analysis: it goes to the background
    page.goto(f"{app_url}/robustness?scenario=riverton&lang=en")  # type: ignore[attr-defined]
    _settle(page)
    page.get_by_text("How stable it is: Riverton").wait_for()  # type: ignore[attr-defined]
    _fill(page, t("par.app.jobs", "en"), PROCESSES)
    _fill(page, t("an.robust.runs", "en"), RUNS)
    _fill(page, t("an.robust.seed", "en"), seed)
    page.get_by_role("button", name=t("an.robust.run", "en"), exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text(_bar("0")).wait_for(timeout=90_000)  # type: ignore[attr-defined]
    expect(_stop_button(page)).to_be_visible()


def _no_exception(page: object) -> None:
    assert page.locator("[data-testid='stException']").count() == 0  # type: ignore[attr-defined]


def _second_person_on_allocate(app_url: str, second: object) -> None:
    """The second person opens robustness (no one else's bar there), then Allocate."""
    second.goto(f"{app_url}/robustness?scenario=riverton&lang=en")  # type: ignore[attr-defined]
    _settle(second)
    second.get_by_text(t("an.robust.press_run", "en")).wait_for()  # type: ignore[attr-defined]
    assert second.get_by_text(_bar()).count() == 0  # type: ignore[attr-defined]
    nav_link(second, "").click()  # type: ignore[attr-defined]
    _settle(second)
    expect(second.get_by_role("heading", name="Allocate — Riverton")).to_be_visible()  # type: ignore[attr-defined]
    expect(_metric_value(second, 0)).to_have_text(_engine_people())


def test_a_long_analysis_counts_up_leaves_the_server_free_and_ends_in_figures(
    app_url, page, browser
):
    """The bar counts up from 0, a second person is answered meanwhile, then the figures."""
    page.set_viewport_size(VIEW)
    other = browser.new_context(viewport=VIEW, locale="en-GB")
    try:
        second = other.new_page()
        second.set_default_timeout(90_000)
        _second_person_on_allocate(app_url, second)

        _start_robustness(page, app_url, seed=11)  # the bar shows run 0 of 500 ...
        page.get_by_text(_bar(r"[1-9]\d*")).wait_for(timeout=LONG_MS)  # ... then more
        screenshot(page, "background-running.png")

        budget = second.get_by_role("slider").first
        expect(budget).to_have_value("40000")
        budget.focus()
        second.keyboard.press("ArrowRight")  # one step of 1,000: one new solve
        expect(budget).to_have_value("41000")
        wait_for_app_run(second, settle_ms=800, timeout_ms=90_000)
        new_figure = _engine_people(**{"policy.budget": 41000.0})
        expect(_metric_value(second, 0)).to_have_text(new_figure, timeout=90_000)
        # the second person had the new answer while the first analysis still ran
        expect(_stop_button(page)).to_be_visible()
        assert _summary(page).count() == 0
        screenshot(second, "background-second-person.png")
        _no_exception(second)
    finally:
        other.close()

    _summary(page).wait_for(timeout=LONG_MS)  # once every run is done
    _settle(page)
    expect(_stop_button(page)).to_have_count(0)
    expect(page.get_by_text(_bar())).to_have_count(0)
    page.get_by_text(t("an.robust.districts", "en"), exact=True).wait_for()
    expect(page.locator("[data-testid='stDataFrame']").first).to_be_visible()
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.wait_for(state="visible")
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(800)  # Vega draws after the element mounts
    screenshot(page, "background-done.png")
    chart.screenshot(path=str(screenshot_dir() / "background-chart.png"))
    assert chart_problems(chart_facts(chart), "robustness chart") == []
    _no_exception(page)


def test_a_stopped_analysis_says_so_shows_no_figures_and_starts_again_fresh(app_url, page):
    """Stop: the note with n < 500 solves, no figures; a rerun shows the same n;
    "Start again" begins at run 0 of 500."""
    page.set_viewport_size(VIEW)
    _start_robustness(page, app_url, seed=12)
    page.get_by_text(_bar(r"[1-9]\d*")).wait_for(timeout=LONG_MS)
    _stop_button(page).click()
    done = _stopped_count(page)
    _settle(page)
    assert 0 < done < RUNS, done
    screenshot(page, "background-stopped.png")
    assert _summary(page).count() == 0
    assert page.locator("[data-testid='stVegaLiteChart']").count() == 0
    expect(_stop_button(page)).to_have_count(0)

    # a rerun of the page (the processes' setting is not part of the analysis' key)
    # shows the same count: nothing more was counted for the stopped analysis
    _fill(page, t("par.app.jobs", "en"), 1)
    assert _stopped_count(page) == done
    assert page.locator("[data-testid='stVegaLiteChart']").count() == 0

    page.get_by_role("button", name=t("par.app.again", "en"), exact=True).click()
    page.get_by_text(_bar("0")).wait_for(timeout=90_000)  # fresh, not from n
    expect(_stop_button(page)).to_be_visible()
    screenshot(page, "background-again.png")
    _stop_button(page).click()
    assert _stopped_count(page) < RUNS
    _settle(page)
    assert _summary(page).count() == 0
    assert page.locator("[data-testid='stVegaLiteChart']").count() == 0
    _no_exception(page)
