"""The shared start of the analysis pages (trade-offs, budget, robustness, compare).

Every analysis page begins the same way: the language, the chosen scenario (or a stop with
the sidebar's prompt), display names, the sidebar's settings with the analyses' per-solve
time limit, the cache key of those settings, and a title and intro. Doing it in one place
keeps the pages thin and the settings they analyse identical to the Allocate page's.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from govdecide.analyses.parallel import cores
from govdecide.i18n import fmt_num, localize, t
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.settings import Settings
from ui import controls
from ui.messages import one_year_note
from ui.sidebar import require_scenario
from ui.state import Entry, current_lang
from ui.text import md_escape

TIME_LIMIT_S = 10.0  # per solve of an analysis, so a page answers within a workshop's pace
AUTO_MAX_DISTRICTS = 300  # larger scenarios start a long analysis only on request
_JOBS = "_govdecide_analysis_processes"  # the session's choice (kept across pages)


@dataclass(frozen=True)
class AnalysisPage:
    """What an analysis page works on: language, scenario, names, settings and their key."""

    lang: str
    entry: Entry
    scenario: Scenario
    names: dict[str, str]
    settings: Settings
    key: str


def start(
    title_key: str, intro_key: str, time_limit: bool = True, one_year: bool = True
) -> AnalysisPage:
    """Read the sidebar's scenario and settings, write the page's title and intro.

    ``time_limit`` caps each solve at :data:`TIME_LIMIT_S` (the analyses solve many times);
    the compare page saves the Allocate page's own solve, so it keeps the user's settings.
    """
    lang = current_lang()
    entry, scenario = require_scenario(lang)
    names = display_names(scenario, lang)
    specs = controls.control_specs(scenario, lang)
    settings: Settings = controls.settings_from_values(controls.current_values(entry.key, specs))
    if time_limit:
        settings = settings.with_(time_limit_s=TIME_LIMIT_S)
    st.title(t(title_key, lang, name=md_escape(localize(scenario.name, lang))))
    st.caption(t(intro_key, lang))
    if one_year:
        one_year_note(scenario.policy.years, lang)
    return AnalysisPage(lang, entry, scenario, names, settings, settings.key())


def compute_on_request(page: AnalysisPage, what: str, signature: object, solves: int) -> None:
    """On a large scenario, stop the page until the user presses "compute" (remembered for
    these settings), because the analysis takes ``solves`` solves and may need minutes."""
    if len(page.scenario.districts) <= AUTO_MAX_DISTRICTS:
        return
    go = f"an_{what}_go:{page.entry.fingerprint}:{page.key}:{signature}"
    if st.session_state.get(go):
        return
    n = fmt_num(len(page.scenario.districts), page.lang)
    st.info(t("an.page.large", page.lang, n=n, solves=solves))
    if not st.button(t("an.page.compute", page.lang), key=f"an_{what}_button"):
        st.stop()
    st.session_state[go] = True


def jobs_setting(lang: str) -> int:
    """The sidebar's "processes for analyses" (1 to the server's cores, all by default).

    Kept under a key of its own, not the widget's, so that it survives the pages without
    the widget (Streamlit drops a widget's state on a page that does not draw it).
    """
    most = cores()
    current = max(1, min(int(st.session_state.get(_JOBS, most)), most))

    def keep() -> None:
        st.session_state[_JOBS] = int(st.session_state["an_jobs"])

    value = st.sidebar.number_input(
        t("par.app.jobs", lang), 1, most, current, 1, key="an_jobs", on_change=keep,
        help=t("par.app.jobs_help", lang, cores=most),
    )  # fmt: skip
    return int(value)


def unproven_warning(count: int, total: int, lang: str) -> None:
    """Say how many points stopped at the time limit, so none is read as proven best."""
    if count:
        st.warning(
            t("an.status.unproven_count", lang, n=count, total=total), icon=":material/timer:"
        )


def clicked_point(state: object, n_points: int) -> int | None:
    """The point clicked in a chart with a ``pick`` selection on field ``point`` (from the
    chart's selection state), if any and in range."""
    try:
        rows = state["selection"]["pick"]  # type: ignore[index]
        value = int(rows[0]["point"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return value if 0 <= value < n_points else None
