"""A guided story in the browser (issue 17): a trainer builds a three-step story from the
Allocate sliders, presents it, steps forward and back with the keyboard's arrow keys, and
a participant's own browser context follows each step through the viewer link; after a
reload of both, the story and its current step are still there.

The server has a database of its own (``GOVDECIDE_DATA_DIR`` in the test's tmp_path).
Waiting for the viewer is waiting for its page to show the step (a Playwright wait with
a bound), not a timed assert: the viewer polls every two seconds. The charts on both
screens must really draw (tests/browser/chart_checks.py), and the screenshots are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from govdecide.i18n import t
from govdecide.store import ENV_DATA_DIR, ENV_URL
from tests.browser.chart_checks import chart_facts, chart_problems
from tests.browser.conftest import (
    free_port,
    screenshot,
    start_app,
    stop_app,
    wait_for_app_run,
)

FOLLOW_MS = 20_000  # a viewer shows the trainer's move within its poll (2 s); bound of the wait


@pytest.fixture
def story_server(
    chromium_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """`streamlit run app.py` with a database of its own; yields its URL."""
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "data"))
    port = free_port()
    proc = start_app(port, tmp_path / "server.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_app(proc)


def _settle(page: object) -> None:
    wait_for_app_run(page, settle_ms=800, timeout_ms=90_000)


def _nav(page: object, title: str) -> None:
    """Open a page from the sidebar's navigation (the session, and its link, stay)."""
    page.locator("[data-testid='stSidebarNavLink']", has_text=title).first.click()  # type: ignore[attr-defined]
    _settle(page)


def _press_slider(page: object, index: int, times: int) -> None:
    """Move the Allocate page's slider ``index`` right by ``times`` steps."""
    for _ in range(times):
        page.get_by_role("slider").nth(index).focus()  # type: ignore[attr-defined]
        page.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
        _settle(page)


def _add_step(page: object, title: str) -> None:
    """On the Story page: add the current setting as a step called ``title``."""
    _nav(page, t("story.page.build", "en"))
    add = page.get_by_role("button", name=t("story.build.add_button", "en"))  # type: ignore[attr-defined]
    form = page.locator("[data-testid='stForm']", has=add)  # type: ignore[attr-defined]
    form.get_by_label("Title of the step (English)").fill(title)
    add.click()
    _settle(page)
    page.get_by_text(re.compile(rf"^\d\. {title}$")).wait_for()  # type: ignore[attr-defined]


def _build_story(page: object, base: str) -> None:
    """Workshop: Today (the defaults), Fairer (equity weight 0.3 -> 0.5), More money
    (budget 40,000 -> 45,000 as well)."""
    page.goto(f"{base}/?scenario=riverton&lang=en")  # type: ignore[attr-defined]
    _settle(page)
    _nav(page, t("story.page.build", "en"))
    page.get_by_label("Title of the story (English)").fill("Workshop")  # type: ignore[attr-defined]
    page.get_by_role("button", name=t("story.build.create", "en")).click()  # type: ignore[attr-defined]
    _settle(page)
    _add_step(page, "Today")
    _nav(page, t("app.page.allocate", "en"))
    _press_slider(page, 2, 4)  # equity weight, step 0.05
    expect(page.get_by_role("slider").nth(2)).to_have_value("0.5")  # type: ignore[attr-defined]
    _add_step(page, "Fairer")
    _nav(page, t("app.page.allocate", "en"))
    _press_slider(page, 0, 5)  # budget, step 1,000
    _add_step(page, "More money")


def _shows(page: object, title: str, n: int) -> None:
    """The page shows step ``n`` of 3, titled ``title`` (waits for the viewer's poll)."""
    heading = page.locator("h1", has_text=re.compile(rf"^{re.escape(title)}$"))  # type: ignore[attr-defined]
    heading.wait_for(timeout=FOLLOW_MS)
    page.get_by_text(f"Workshop · step {n} of 3").wait_for(timeout=FOLLOW_MS)  # type: ignore[attr-defined]


def _charts_drawn(page: object, name: str) -> list[str]:
    """Problems of the page's chart (one per step screen), after Vega has drawn it."""
    chart = page.locator("[data-testid='stVegaLiteChart']").first  # type: ignore[attr-defined]
    chart.wait_for(state="visible")
    page.wait_for_timeout(800)  # type: ignore[attr-defined]  # Vega draws after mount
    return chart_problems(chart_facts(chart), name)


def test_a_trainer_presents_a_story_and_a_viewer_follows_it(story_server, browser):
    trainer_context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    viewer_context = browser.new_context(viewport={"width": 1200, "height": 1000}, locale="en-GB")
    try:
        trainer = trainer_context.new_page()
        trainer.set_default_timeout(60_000)
        _build_story(trainer, story_server)
        trainer.get_by_role("link", name=t("story.build.present", "en")).click()
        _settle(trainer)
        _shows(trainer, "Today", 1)
        trainer.keyboard.press("ArrowRight")
        _settle(trainer)
        _shows(trainer, "Fairer", 2)
        expect(
            trainer.get_by_text("Since the last step: equity weight 0.30 → 0.50.")
        ).to_be_visible()

        trainer.get_by_text(t("story.present.viewers", "en")).click()
        # the viewer link (the sidebar's code box holds the workspace link)
        link = trainer.locator("[data-testid='stMain'] [data-testid='stCode']").inner_text().strip()
        assert re.fullmatch(rf"{story_server}/story_viewer\?view=[A-Za-z0-9_-]{{43}}&lang=en", link)
        assert "ws=" not in link  # the viewer link opens no workspace
        viewer = viewer_context.new_page()
        viewer.set_default_timeout(60_000)
        viewer.goto(link)
        _settle(viewer)
        _shows(viewer, "Fairer", 2)

        trainer.keyboard.press("ArrowRight")
        _settle(trainer)
        _shows(trainer, "More money", 3)
        _shows(viewer, "More money", 3)
        expect(
            viewer.get_by_text("Since the last step: budget 40,000 → 45,000", exact=False)
        ).to_be_visible()
        problems = _charts_drawn(trainer, "trainer step 3") + _charts_drawn(viewer, "viewer step 3")
        screenshot(trainer, "story-trainer-step3.png")
        screenshot(viewer, "story-viewer-step3.png")
        assert not [b for b in viewer.get_by_role("button").all() if "Next" in b.inner_text()]

        trainer.keyboard.press("ArrowLeft")
        _settle(trainer)
        _shows(trainer, "Fairer", 2)
        _shows(viewer, "Fairer", 2)

        trainer.reload()
        viewer.reload()
        _settle(trainer)
        _settle(viewer)
        expect(trainer).to_have_url(
            re.compile(r"/present\?.*ws=[A-Za-z0-9_-]{32}.*story=[0-9a-f]{12}")
        )
        _shows(trainer, "Fairer", 2)
        _shows(viewer, "Fairer", 2)
        problems += _charts_drawn(trainer, "trainer after reload")
        problems += _charts_drawn(viewer, "viewer after reload")
        screenshot(trainer, "story-trainer-reloaded.png")
        screenshot(viewer, "story-viewer-reloaded.png")
        assert problems == []
        trainer.keyboard.press("ArrowLeft")  # the keys still work after the reload
        _settle(trainer)
        _shows(trainer, "Today", 1)
        _shows(viewer, "Today", 1)
    finally:
        trainer_context.close()
        viewer_context.close()
