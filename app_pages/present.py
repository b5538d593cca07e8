"""Present: the current allocation for a projector — big figures, the summary, one chart.

No sliders: it shows the settings chosen on the Allocate page (or in the link it was
opened with), so a trainer can set up on one screen and project this one. When the
workspace holds stories, it can show one instead, step by step (story mode, see
:mod:`ui.story_present`): Previous and Next, or the arrow keys, and a viewer link.
"""

from __future__ import annotations

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_num, localize
from govdecide.io.scenario import display_names
from govdecide.present import charts
from govdecide.present.summary import summarize
from ui import controls, solving
from ui.allocate_view import NEXT_BUDGET_MAX_DISTRICTS, next_budget_result, people_and_shares
from ui.maps import gains_map
from ui.messages import stop_on_problems
from ui.sidebar import require_scenario
from ui.state import current_lang
from ui.story_present import story_mode
from ui.text import bullet_list, md_escape

lang = current_lang()
if story_mode(lang):
    st.stop()
entry, scenario = require_scenario(lang)
specs = controls.control_specs(scenario, lang)
values = controls.current_values(entry.key, specs)
settings = controls.settings_from_values(values)

st.title(md_escape(localize(scenario.name, lang)))
st.caption(
    " · ".join(
        f"{md_escape(spec.label)}: {fmt_num(values[spec.param], lang, spec.digits)}"
        for spec in specs
        if spec.param.startswith("policy.")
    )
)
try:
    result, _ = solving.best_result(entry.fingerprint, scenario, settings)
except ScenarioError as exc:
    stop_on_problems(exc, lang)

st.markdown(f"### {md_escape(result.status_text(lang))}")
if not result.has_solution:
    for sentence in result.diagnosis_sentences(lang, display_names(scenario, lang)):
        st.info(md_escape(sentence))
    st.stop()

people_and_shares(result, lang)
# what more money buys, from the same re-solve as on Allocate, so both pages say the same
resolve = result.status == "optimal" and len(scenario.districts) <= NEXT_BUDGET_MAX_DISTRICTS
next_result = next_budget_result(entry, scenario, settings, result) if resolve else None
left, right = st.columns([2, 3], gap="large")
with left:
    sentences = summarize(scenario, result, lang, settings, next_result)
    st.markdown(bullet_list(sentences))
with right:
    st.altair_chart(
        charts.coverage_dumbbell(result.districts, display_names(scenario, lang), lang),
        width="stretch",
    )
gains = gains_map(scenario, entry, result, lang)  # the user's map, else the tiles
if gains is not None:
    st.altair_chart(gains, width="content")
