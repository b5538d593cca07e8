"""What fairness costs: the efficiency-equity frontier, a point's allocation, equity rules."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from govdecide import analyses as an
from govdecide.analyses import equity_indices, equity_rules
from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_num, fmt_pct, t
from govdecide.io.scenario import Scenario
from govdecide.model.result import Result
from govdecide.model.settings import Settings
from govdecide.present.analysis_charts import frontier_chart
from ui import analysis_page
from ui.text import md_escape

_SEEN = "_an_pick_seen"


def clicked_point(state: object, n_points: int) -> int | None:
    """The frontier point clicked in the chart (its selection state), if any."""
    try:
        rows = state["selection"]["pick"]  # type: ignore[index]
        value = int(rows[0]["point"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return value if 0 <= value < n_points else None


@st.cache_data(show_spinner=False, max_entries=32)
def _frontier(fingerprint: str, key: tuple, points: int, _scenario: Scenario) -> an.Frontier:
    """The frontier, cached by scenario version, settings and number of points."""
    return an.frontier(_scenario, Settings.from_key(key), points=points)


@st.cache_data(show_spinner=False, max_entries=32)
def _rule_solve(
    fingerprint: str, key: tuple, kind: str, value: float, _scenario: Scenario
) -> Result:
    """A solve under an alternative equity rule, cached like the frontier."""
    sweep = an.Sweep(_scenario, equity_rules.EquityRule(kind, value))
    return sweep.solve(Settings.from_key(key))


def allocation_table(result: Result, names: dict[str, str], lang: str) -> pd.DataFrame:
    """New units by district (rows) and program (columns), with coverage after."""
    alloc = result.allocation
    units = alloc.pivot_table(
        index="district", columns="program", values="new_units", aggfunc="sum", sort=False
    )
    units.columns = [names.get(p, p) for p in units.columns]
    cov = result.districts.set_index("district")[["coverage_before", "coverage_after"]]
    table = units.join(cov)
    table = table.rename(
        columns={
            "coverage_before": t("an.page.coverage_before", lang),
            "coverage_after": t("an.page.coverage_after", lang),
        }
    )
    table.index = [names.get(d, d) for d in table.index]
    table.index.name = t("an.page.district", lang)
    return table.reset_index()


def indicators_frame(columns: dict[str, Result], lang: str) -> pd.DataFrame:
    """Equity indicators before and after for some results, with a line on each."""
    first = next(iter(columns.values()))
    before = equity_indices.indicators_table(first.districts).set_index("indicator")["before"]
    out = pd.DataFrame(
        {
            t("an.trade.ind_name", lang): [
                equity_indices.indicator_name(n, lang) for n in before.index
            ],
            t("an.trade.ind_before", lang): before.to_numpy(),
        }
    )
    for label, result in columns.items():
        after = equity_indices.indicators_table(result.districts).set_index("indicator")["after"]
        out[label] = after.reindex(before.index).to_numpy()
    out[t("an.trade.ind_meaning", lang)] = [equity_indices.explain(n, lang) for n in before.index]
    return out


page = analysis_page.start("an.trade.title", "an.trade.intro")
lang, entry, scenario, names, key = page.lang, page.entry, page.scenario, page.names, page.key

points = st.slider(
    t("an.trade.points", lang),
    min_value=3,
    max_value=an.MAX_FRONTIER_POINTS,
    value=20,
    key="an_points",
)
analysis_page.compute_on_request(page, "frontier", points, points + 3)
try:
    with st.spinner(t("an.page.computing", lang), show_time=True):
        fr = _frontier(entry.fingerprint, key, points, scenario)
except ScenarioError as exc:
    for message in exc.messages(lang):
        st.warning(md_escape(message))
    st.stop()

cur = fr.current
lam_text = fmt_num(fr.equity_weight, lang, 2)
budget_text = fmt_num(cur.budget, lang)
st.caption(t("an.page.settings_line", lang, budget=budget_text, lam=lam_text))
if not fr.points:
    st.warning(t("an.page.no_result", lang, status=cur.status_text(lang)))
    st.stop()

pof = fr.price_of_fairness()
if len(fr.points) == 1:
    st.info(t("an.trade.single", lang))
elif pof is not None:
    st.info(pof.sentence(lang), icon=":material/balance:")

default = fr.nearest(cur.equity) if cur.has_solution else 0
slider_key = f"an_point:{entry.key}:{len(fr.points)}"
chart_key = f"an_chart:{entry.key}:{len(fr.points)}"
picked = clicked_point(st.session_state.get(chart_key), len(fr.points))
if picked is not None and st.session_state.get(_SEEN) != (chart_key, picked):
    st.session_state[_SEEN] = (chart_key, picked)  # a new click moves the slider once
    st.session_state[slider_key] = picked
if slider_key not in st.session_state:
    st.session_state[slider_key] = default
choice = st.select_slider(
    t("an.trade.choose", lang),
    options=list(range(len(fr.points))),
    format_func=lambda i: (
        t(
            "an.trade.option",
            lang,
            n=i + 1,
            z=fmt_pct(fr.points[i].equity, lang),
            e=fmt_pct(fr.points[i].efficiency, lang, 2),
        )
        + ("" if an.proven(fr.points[i].status) else t("an.chart.unproven_mark", lang))
    ),
    key=slider_key,
)
current = {"efficiency": cur.efficiency, "equity": cur.equity} if cur.has_solution else None
st.altair_chart(
    frontier_chart(fr.frame(), current, lang, selected=choice, pick="pick"),
    width="stretch",
    on_select="rerun",
    selection_mode="pick",
    key=chart_key,
)
st.caption(t("an.trade.click", lang))
analysis_page.unproven_warning(fr.unproven, len(fr.points), lang)
st.caption(t("an.page.time_note", lang, seconds=fmt_num(analysis_page.TIME_LIMIT_S, lang)))

point = fr.points[choice]
st.subheader(t("an.trade.point_title", lang, n=choice + 1))
if choice > 0:
    st.markdown(t("an.trade.point_cost", lang) + " " + fr.price_of_fairness(choice).sentence(lang))
st.markdown(point.result.status_text(lang))
st.dataframe(
    allocation_table(point.result, names, lang),
    hide_index=True,
    width="stretch",
    column_config={
        t("an.page.coverage_before", lang): st.column_config.NumberColumn(format="percent"),
        t("an.page.coverage_after", lang): st.column_config.NumberColumn(format="percent"),
    },
)

st.subheader(t("an.trade.indicators", lang))
columns = {t("an.trade.ind_point", lang): point.result}
if cur.has_solution:
    columns = {t("an.trade.ind_current", lang): cur} | columns
st.dataframe(indicators_frame(columns, lang), hide_index=True, width="stretch")

with st.expander(t("an.rule.title", lang)):
    st.caption(t("an.rule.intro", lang))
    kinds = [k for k in equity_rules.RULE_KINDS if k != "maxmin"]
    kind = st.radio(
        t("an.rule.kind", lang), kinds, format_func=lambda k: t(f"an.rule.{k}", lang), key="an_rule"
    )
    if kind == "spread":
        value = st.slider(t("an.rule.value_spread", lang), 0.0, 20.0, 2.0, 0.5, key="an_rule_v1")
    else:
        value = st.slider(t("an.rule.value_floor", lang), 0, 100, 60, 1, key="an_rule_v2")
    if st.button(t("an.rule.solve", lang), key="an_rule_go"):
        share = float(value) / 100
        with st.spinner(t("an.page.computing", lang), show_time=True):
            res = _rule_solve(entry.fingerprint, key, kind, share, scenario)
        if not res.has_solution:
            st.warning(t("an.rule.infeasible", lang))
        else:
            st.markdown(
                t(
                    "an.rule.result",
                    lang,
                    e=fmt_pct(res.efficiency, lang, 2),
                    z=fmt_pct(res.equity, lang),
                    spend=fmt_num(res.budget_used, lang),
                )
            )
            rule = equity_rules.EquityRule(kind, share)
            if equity_rules.rule_met(rule, res.allocation, res.districts):
                st.success(t("an.rule.met", lang))
            else:
                st.warning(t("an.rule.not_met", lang))
            st.dataframe(
                indicators_frame({t(f"an.rule.{kind}", lang): res}, lang),
                hide_index=True,
                width="stretch",
            )
