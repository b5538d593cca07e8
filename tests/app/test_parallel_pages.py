"""A long analysis in the app: in the background on the server's worker processes, with a
bar that counts finished solves and a stop button; the figures once all are done; other
sessions answered meanwhile.

Riverton has 10 districts and 5 programs (50 pairs), so more than SMALL_WORK / 50 = 100
robustness runs is a long analysis (it leaves the page's own run for the workers). The
page is polled by running it again, as the browser's fragment does every half second.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from govdecide import analyses as an
from govdecide import load_scenario
from govdecide.analyses.parallel import SMALL_WORK, cores
from govdecide.i18n import t
from tests.app.test_analysis_pages import RIVERTON, open_page, page_settings

pytestmark = pytest.mark.timeout(600)

LONG_RUNS = SMALL_WORK // 50 + 1  # just past the small-analysis size on Riverton


def run_until(at: AppTest, done: Callable[[AppTest], bool], what: str) -> None:
    """Run the page again (as its polling fragment would) until ``done``; bounded."""
    for _ in range(600):
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if done(at):
            return
        time.sleep(0.5)
    raise AssertionError(f"never saw {what}")


def start_robustness(at: AppTest, runs: int, seed: int) -> None:
    at.number_input(key="an_rob_runs").set_value(runs)
    at.number_input(key="an_rob_seed").set_value(seed)
    at.button(key="an_rob_go").click().run()
    assert not at.exception, [e.value for e in at.exception]


def summary(at: AppTest, runs: int) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(f"{runs} of {runs} runs")]


def running(at: AppTest) -> bool:
    return any(b.key == "par_stop" for b in at.button)


def stopped_note(at: AppTest) -> bool:
    prefix = t("par.app.stopped", "en", done=0, total=0).split(" 0 ")[0]
    return any(i.value.startswith(prefix) for i in at.info)


def test_a_long_robustness_runs_in_the_background_and_gives_the_library_figures():
    """With one process of the pool (the sidebar's setting, all cores by default) the page
    shows the bar and the stop button, then the library's own summary."""
    at = open_page("app_pages/robustness.py")
    jobs = at.sidebar.number_input(key="an_jobs")
    assert jobs.value == cores() and jobs.max == cores()
    jobs.set_value(1).run()
    start_robustness(at, LONG_RUNS, seed=7)
    assert running(at)
    bar = at.get("progress")
    assert bar and "solves" not in bar[0].proto.text  # the robustness page's own words
    assert bar[0].proto.text.startswith("Solving run ")
    run_until(at, lambda a: bool(summary(a, LONG_RUNS)), "the summary")
    assert not running(at)
    scenario = load_scenario(RIVERTON)
    rob = an.robustness(scenario, page_settings(scenario), spread=0.1, runs=LONG_RUNS, seed=7)
    expected = f"{rob.solved} of {LONG_RUNS} runs found an allocation."
    assert summary(at, LONG_RUNS)[0].startswith(expected)


def test_a_long_analysis_never_blocks_another_session_and_can_be_stopped():
    """While one session's 500 runs go on in the background, a second session opens the
    trade-offs page and gets its figures in one run; the first then stops its analysis,
    which says how far it came, and can start it again; asking for other runs stops it."""
    first = open_page("app_pages/robustness.py")
    start_robustness(first, 500, seed=3)
    assert running(first)

    second = open_page("app_pages/tradeoffs.py")
    assert second.info and second.info[0].value.startswith("Raising the worst-served district")

    first.run()
    assert running(first), "the first analysis ended before the second session was answered"
    first.button(key="par_stop").click().run()
    run_until(first, stopped_note, "the note that the analysis was stopped")
    assert not summary(first, 500)
    first.button(key="par_again").click().run()
    assert running(first)
    # another seed: a new analysis, and the one the page no longer shows is stopped
    start_robustness(first, 500, seed=4)
    assert running(first)
    first.number_input(key="an_rob_seed").set_value(3)
    run_until(first, stopped_note, "the note that the seed-3 analysis was stopped")
    first.number_input(key="an_rob_seed").set_value(4).run()
    assert running(first)
    first.button(key="par_stop").click().run()
    run_until(first, stopped_note, "the last stop")
