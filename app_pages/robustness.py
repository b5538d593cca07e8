"""How stable it is: re-solve under seeded random changes of need, with a progress bar."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from govdecide import analyses as an
from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_pct, t
from govdecide.present.analysis_charts import robustness_chart
from ui import analysis_page
from ui.text import md_escape

_RESULTS = "_an_robustness"


def district_table(rob: an.Robustness, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Per district: how often every program stayed within 1 unit, and the coverage range."""
    d = rob.districts
    return pd.DataFrame(
        {
            t("an.page.district", lang): [names.get(x, x) for x in d["district"]],
            t("an.robust.within_all", lang): d["within_one"].to_numpy(),
            t("an.page.coverage_after", lang): d["coverage_base"].to_numpy(),
            t("an.robust.cov_range", lang): [
                f"{fmt_pct(lo, lang)} – {fmt_pct(hi, lang)}"
                for lo, hi in zip(d["coverage_min"], d["coverage_max"])
            ],
        }
    )


def pair_table(rob: an.Robustness, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Per district and program: base units, range over the runs, share within 1 unit."""
    p = rob.pairs
    return pd.DataFrame(
        {
            t("an.page.district", lang): [names.get(x, x) for x in p["district"]],
            t("an.page.program", lang): [names.get(x, x) for x in p["program"]],
            t("an.col.base_units", lang): p["base_units"].to_numpy(),
            t("an.chart.min", lang): p["min_units"].to_numpy(),
            t("an.chart.max", lang): p["max_units"].to_numpy(),
            t("an.col.within_one", lang): p["within_one"].to_numpy(),
        }
    )


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

store: dict = st.session_state.setdefault(_RESULTS, {})
run_key = (entry.fingerprint, page.key, spread, runs, seed)
if st.button(t("an.robust.run", lang), type="primary", key="an_rob_go"):
    bar = st.progress(0.0, text=t("an.robust.progress", lang, done=0, total=runs))

    def tick(done: int, total: int) -> None:
        """Move the progress bar after each run."""
        bar.progress(done / total, text=t("an.robust.progress", lang, done=done, total=total))

    try:
        store[run_key] = an.robustness(
            scenario, settings, spread=spread / 100, runs=runs, seed=seed, progress=tick
        )
    except ScenarioError as exc:
        for message in exc.messages(lang):
            st.warning(md_escape(message))
        st.stop()
    bar.empty()

rob: an.Robustness | None = store.get(run_key)
if rob is None:
    st.info(t("an.robust.press_run", lang))
    st.stop()
if not rob.base.has_solution:
    st.warning(t("an.page.no_result", lang, status=rob.base.status_text(lang)))
    st.stop()

st.markdown(
    t(
        "an.robust.summary",
        lang,
        solved=rob.solved,
        runs=rob.runs,
        e_lo=fmt_pct(rob.efficiency[0], lang, 2),
        e_hi=fmt_pct(rob.efficiency[1], lang, 2),
        z_lo=fmt_pct(rob.equity[0], lang),
        z_hi=fmt_pct(rob.equity[1], lang),
    )
)
if rob.solved:
    st.markdown(t("an.robust.stable", lang, share=fmt_pct(rob.all_within_one, lang, 0)))
    st.altair_chart(robustness_chart(rob.pairs, names, lang), width="stretch")
    st.subheader(t("an.robust.districts", lang))
    st.dataframe(
        district_table(rob, names, lang),
        hide_index=True,
        width="stretch",
        column_config={
            t("an.robust.within_all", lang): st.column_config.ProgressColumn(
                format="percent", min_value=0.0, max_value=1.0
            ),
            t("an.page.coverage_after", lang): st.column_config.NumberColumn(format="percent"),
        },
    )
    with st.expander(t("an.robust.pairs", lang)):
        st.dataframe(
            pair_table(rob, names, lang),
            hide_index=True,
            width="stretch",
            column_config={
                t("an.col.within_one", lang): st.column_config.NumberColumn(format="percent")
            },
        )
