"""How stable it is: re-solve under seeded random changes of need, with a progress bar
(a long analysis in the background, with a stop button)."""

from __future__ import annotations

import streamlit as st

from govdecide import analyses as an
from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_pct, t
from govdecide.present.analysis_charts import robustness_chart
from govdecide.present.analysis_tables import (
    robustness_district_table,
    robustness_pair_table,
    robustness_summary,
)
from ui import analysis_cache, analysis_page
from ui.messages import stop_on_problems
from ui.tables import PERCENT, number_columns

_ASKED = "_an_robustness_asked"  # the runs this session asked for

page = analysis_page.start("an.robust.title", "an.robust.intro")
lang, entry, scenario, names = page.lang, page.entry, page.scenario, page.names
settings = page.settings

c1, c2, c3 = st.columns(3)
with c1:
    spread = st.slider(t("an.robust.spread", lang), 0, 50, 10, 1, key="an_rob_spread")
with c2:
    runs = int(
        st.number_input(
            t("an.robust.runs", lang), 1, an.MAX_ROBUSTNESS_RUNS, 50, 1, key="an_rob_runs"
        )
    )
with c3:
    seed = int(st.number_input(t("an.robust.seed", lang), 0, 10**9, 1, 1, key="an_rob_seed"))

jobs = analysis_page.jobs_setting(lang)
asked: set = st.session_state.setdefault(_ASKED, set())
run_key = (entry.fingerprint, page.key, spread, runs, seed)
pressed = st.button(t("an.robust.run", lang), type="primary", key="an_rob_go")
if pressed:
    asked.add(run_key)
if run_key not in asked:
    st.info(t("an.robust.press_run", lang))
    st.stop()
try:  # a long one runs in the background, with progress and a stop button
    rob = analysis_cache.robustness(page, spread / 100, runs, seed, jobs, restart=pressed)
except ScenarioError as exc:
    stop_on_problems(exc, lang)

if not rob.base.has_solution:
    st.warning(t("an.page.no_result", lang, status=rob.base.status_text(lang)))
    st.stop()

st.markdown(robustness_summary(rob, lang))
if rob.solved:
    st.markdown(t("an.robust.stable", lang, share=fmt_pct(rob.all_within_one, lang, 0)))
    st.altair_chart(robustness_chart(rob.pairs, names, lang), width="stretch")
    st.subheader(t("an.robust.districts", lang))
    st.dataframe(
        robustness_district_table(rob, names, lang),
        hide_index=True,
        width="stretch",
        column_config={
            t("an.robust.within_all", lang): st.column_config.ProgressColumn(
                format=PERCENT, min_value=0.0, max_value=1.0
            ),
            **number_columns({t("an.page.coverage_after", lang): PERCENT}),
        },
    )
    with st.expander(t("an.robust.pairs", lang)):
        st.dataframe(
            robustness_pair_table(rob, names, lang),
            hide_index=True,
            width="stretch",
            column_config=number_columns({t("an.col.within_one", lang): PERCENT}),
        )
