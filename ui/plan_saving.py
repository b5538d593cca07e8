"""The "Plan over years" page's saving: the plan as an option, the plan as a decision.

Both keep the plan's own settings (years, yearly budgets or their growth, discount rate,
growth, the illustrative assumptions) beside the sidebar's settings as solved, with the
plan's figures (``store.plan_figures``: its spend over the years, its last year's E and
z), never as one year's. An option saved here is listed on the Compare page (labelled as
a plan of N years, compared by its last year); a decision goes to the workspace's log,
which says the plan in words. Saving goes through :mod:`ui.workspace` like every save.
"""

from __future__ import annotations

import streamlit as st

from govdecide.i18n import t
from govdecide.model.settings import Settings
from govdecide.model.years import PlanResult, PlanSettings
from govdecide.present.workspace_tables import plan_settings_text
from govdecide.store import plan_figures
from ui import workspace
from ui.state import Entry
from ui.workspace_view import decision_form


def plan_saving(
    entry: Entry, settings: Settings, plan: PlanSettings, result: PlanResult, lang: str
) -> None:
    """Under a solved plan: "save this plan as an option" and "record this plan as a
    decision" (with a note), both with the plan's settings as solved."""
    _save_form(entry, settings, plan, result, lang)
    decision_form(entry, settings, result, lang, "plan", plan=plan)


def _save_form(
    entry: Entry, settings: Settings, plan: PlanSettings, result: PlanResult, lang: str
) -> None:
    """A name and a button: the plan is saved as an option of this scenario (a name
    saved before for it is replaced)."""
    with st.expander(t("plan_saving.save_title", lang), icon=":material/bookmark_add:"):
        st.caption(t("plan_saving.save_help", lang))
        with st.form("plan_save_form", clear_on_submit=True, border=False):
            name = st.text_input(
                t("plan_saving.name", lang),
                max_chars=60,
                placeholder=t("plan_saving.name_hint", lang),
                key="plan_save_name",
            )
            saved = st.form_submit_button(
                t("plan_saving.save", lang), type="primary", key="plan_save"
            )
    if not saved:
        return
    figures = plan_figures(result)
    name = name.strip() or t(
        "plan_saving.default_name", lang, n=len(workspace.options_for(entry)) + 1
    )
    if workspace.save_option(entry, name, settings, figures, lang, plan=plan):
        words = plan_settings_text(settings, plan, figures, lang)
        workspace.flash("success", [t("plan_saving.saved", lang, name=name, plan=words)])
    st.rerun()
