"""How the app shows a rejected scenario or setting: each problem in words, never a trace.

A :class:`~govdecide.errors.ScenarioError` carries every problem found; the pages show
them one by one, escaped (they quote the user's own text).
"""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import t
from ui.text import bullet_list, md_escape


def warn_problems(exc: ScenarioError, lang: str, icon: str | None = None) -> None:
    """Each problem as a warning of its own."""
    for message in exc.messages(lang):
        st.warning(md_escape(message), icon=icon)


def stop_on_problems(exc: ScenarioError, lang: str) -> NoReturn:
    """Each problem as a warning, then end this run of the page (nothing to show)."""
    warn_problems(exc, lang)
    st.stop()
    raise exc  # unreachable: st.stop() ends the run


def list_problems(exc: ScenarioError, lang: str, header_key: str) -> None:
    """A header with the number of problems, then every problem as a list item."""
    st.error(t(header_key, lang, count=len(exc.problems)))
    st.markdown(bullet_list(exc.messages(lang)))


def one_year_note(years: int, lang: str) -> None:
    """On a page of one year, say that the scenario describes a plan over ``years`` years
    and that this page shows its first (the single-year model reads year 1's budget and
    need), with the way to the whole plan."""
    if years <= 1:
        return
    st.info(t("plan.page.one_year_note", lang, years=years), icon=":material/calendar_month:")
    st.page_link("app_pages/plan.py", label=t("plan.page.nav", lang))
