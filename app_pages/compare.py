"""Compare options: save the current settings as named options and compare two by district.

Options live in the session's workspace (a link opens them in any browser, after a
restart, on every server sharing the database); the parts are drawn by
:mod:`ui.compare_view`, the saving by :mod:`ui.workspace`. A plan over years saved on its
own page is an option here too, labelled and compared by its last year.
"""

from __future__ import annotations

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import t
from govdecide.present.workspace_tables import options_table
from govdecide.store import headline_figures
from ui import analysis_page, compare_view, solving, workspace
from ui.messages import stop_on_problems
from ui.workspace_view import decision_form

page = analysis_page.start("an.cmp.title", "an.cmp.intro", time_limit=False)
lang, entry, scenario, names = page.lang, page.entry, page.scenario, page.names
options = workspace.options_for(entry)

with st.form("an_save", clear_on_submit=True, border=True):
    name = st.text_input(
        t("an.cmp.name", lang),
        max_chars=60,
        placeholder=t("an.cmp.name_hint", lang),
        key="an_cmp_name",
    )
    saved = st.form_submit_button(t("an.cmp.save", lang), type="primary", key="an_cmp_save")
if saved:
    name = name.strip() or t("an.cmp.default_name", lang, n=len(options) + 1)
    settings = solving.interactive(page.settings)
    try:
        with st.spinner(t("an.page.computing", lang), show_time=True):
            result = solving.solve(entry.fingerprint, scenario, settings)
    except ScenarioError as exc:
        stop_on_problems(exc, lang)
    if workspace.save_option(entry, name, settings, headline_figures(result), lang):
        said = [t("an.cmp.saved", lang, name=name)]
        if any(o.name == name for o in options):
            said.append(t("an.cmp.exists", lang))
        workspace.flash("success", said)
    st.rerun()

compare_view.load_upload(entry, names, lang)

if not options:
    st.info(t("an.cmp.none", lang))
    st.stop()

st.subheader(t("an.cmp.saved_title", lang))
table = options_table(options, lang)
compare_view.guarded(
    lambda: st.dataframe(
        table, hide_index=True, width="stretch", column_config=compare_view.formatted(table)
    ),
    lang,
)
left, right = st.columns(2)
with left:
    compare_view.options_file(entry, scenario, options, lang)
with right:
    compare_view.remove_options(entry, options, lang)

if len(options) < 2:
    st.info(t("an.cmp.need_two", lang))
    st.stop()

by_id = {o.id: o for o in options}
ids = list(by_id)
c1, c2 = st.columns(2)
with c1:
    a_id = st.selectbox(
        t("an.cmp.a", lang), ids, index=len(ids) - 2, format_func=lambda i: by_id[i].name,
        key="an_cmp_a",
    )  # fmt: skip
with c2:
    b_id = st.selectbox(
        t("an.cmp.b", lang), ids, index=len(ids) - 1, format_func=lambda i: by_id[i].name,
        key="an_cmp_b",
    )  # fmt: skip
a, b = (compare_view.solved(entry, scenario, by_id[i], lang) for i in (a_id, b_id))
if a is None or b is None:
    st.stop()
compare_view.guarded(
    lambda: compare_view.show_comparison(a.snapshot, b.snapshot, names, lang), lang
)

chosen = st.radio(
    t("ws.cmp.decide_which", lang), [a_id, b_id], format_func=lambda i: by_id[i].name,
    horizontal=True, key="an_cmp_decide",
)  # fmt: skip
used = a if chosen == a_id else b
decision_form(entry, used.settings, used.result, lang, "cmp", plan=used.plan)
