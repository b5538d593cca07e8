"""The data page's map section: upload a boundary file, match, fix, and use it.

The whole flow of issue 16 on one section, for the scenario picked in the sidebar:
upload a GeoJSON or TopoJSON file (10 MB at most), read and checked in a child process
(:func:`govdecide.io.boundary_guard.run_guarded`: no file can stall the server), its
notes shown (what was repaired); pick how features match districts (the best field, by
name, or a field such as an adcode); see what matched and what did not; correct any row
of the match table; give the attribution; then "Use this map" prepares the map (in a
child process too), makes a new scenario that draws it (the map reference, ``map_id``
per district), keeps the map for this session's pages (:func:`ui.maps.keep_map`) and
adds the scenario to the picker. A scenario that has its own map shows it here, drawn,
with a download of the scenario and its map as one zip.

The work is :mod:`govdecide.io.boundaries` and :mod:`govdecide.io.boundary_match`, the
match table :func:`govdecide.present.maps.match_frame`; this module reads widgets.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

import pandas as pd
import streamlit as st

from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import fmt_num, localize, t
from govdecide.io.boundaries import (
    map_reference,
    prepare_map,
    read_map,
    scenario_with_map,
)
from govdecide.io.boundary_check import Boundaries
from govdecide.io.boundary_guard import run_guarded
from govdecide.io.boundary_match import (
    AUTO,
    BY_NAME,
    Match,
    apply_fixes,
    match_counts,
    match_features,
)
from govdecide.io.boundary_read import MAP_SUFFIXES, MAX_MAP_BYTES
from govdecide.io.scenario import Scenario, scenario_to_yaml
from govdecide.present.maps import match_frame
from ui import workspace
from ui.data_view import clicked, flash, free_key
from ui.maps import district_map, keep_map, kept_map_text, topology_for
from ui.messages import list_problems
from ui.state import Entry, current_entry, label_of, load_entry, register_scenario
from ui.text import bullet_list, md_escape

LIMIT_MB = MAX_MAP_BYTES >> 20
UPLOAD_KEY = "maps_upload"


@st.cache_resource(show_spinner=False, max_entries=4)
def _read(digest: str, _data: bytes, name: str) -> Boundaries | list[Problem]:
    """A boundary file read and checked in a child process, once per server and file;
    the problems when it cannot be used (kept too, so a bad file is not read again)."""
    try:
        return run_guarded(read_map, _data, name, file=name)
    except ScenarioError as exc:
        return exc.problems


def _district_choices(scenario: Scenario, lang: str) -> dict[str, str]:
    """The match table's choices: 'Name · id' (unique even when two names are) -> id."""
    return {f"{localize(d.name, lang)} · {d.id}": d.id for d in scenario.districts}


def _match_by(boundaries: Boundaries, lang: str, digest: str) -> str:
    """How to match: the best field, by name, or one field of the file."""
    options = [AUTO, BY_NAME, *boundaries.fields]
    words = {AUTO: t("maps.ui.match_auto", lang), BY_NAME: t("maps.ui.match_name", lang)}
    return st.selectbox(
        t("maps.ui.match_by", lang),
        options,
        format_func=lambda o: words.get(o) or t("maps.ui.match_field", lang, field=o),
        key=f"maps_by:{digest}",
        help=t("maps.ui.match_help", lang),
    )


def _fixes(
    boundaries: Boundaries, match: Match, scenario: Scenario, lang: str, key: str
) -> dict[int, str | None]:
    """The match table, its district column editable; the rows changed, as fixes
    (feature index -> district id, or None for a row emptied)."""
    frame = match_frame(boundaries, match, scenario, lang)
    choices = _district_choices(scenario, lang)
    by_id = {v: k for k, v in choices.items()}
    shown = pd.DataFrame(
        {
            t("maps.ui.col_feature", lang): frame["feature"],
            t("maps.ui.col_value", lang, field=match.by): frame["value"],
            t("maps.ui.col_district", lang): [
                by_id.get(match.assigned.get(i, ""), None) for i in frame["index"]
            ],
            t("maps.ui.col_how", lang): frame["how"],
        }
    )
    column = t("maps.ui.col_district", lang)
    edited = st.data_editor(
        shown,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=[c for c in shown.columns if c != column],
        column_config={column: st.column_config.SelectboxColumn(column, options=list(choices))},
    )
    fixes: dict[int, str | None] = {}
    for row, index in enumerate(frame["index"]):
        before, after = shown[column].iloc[row], edited[column].iloc[row]
        if after != before and not (pd.isna(after) and pd.isna(before)):
            fixes[int(index)] = None if pd.isna(after) else choices.get(str(after))
    return fixes


def _summary(boundaries: Boundaries, match: Match, scenario: Scenario, lang: str) -> None:
    """What matched and what did not, in one sentence and a list of the missing."""
    counts = match_counts(match, boundaries, scenario)
    st.markdown(
        md_escape(
            t(
                "maps.ui.matched", lang, matched=counts.matched, districts=counts.districts,
                field=match.by, unmatched=counts.unmatched_features, features=counts.features,
            )
        )
    )  # fmt: skip
    if counts.ambiguous:
        st.warning(t("maps.ui.ambiguous", lang, count=counts.ambiguous))
    missing = [localize(scenario.district(d).name, lang) for d in match.missing(scenario)]
    if missing:
        st.warning(md_escape(t("maps.ui.missing", lang, names=", ".join(missing))))
    else:
        st.success(t("maps.ui.all_matched", lang))


def _use(entry: Entry, scenario: Scenario, boundaries: Boundaries, match: Match, lang: str) -> None:
    """Prepare the map, make the scenario that draws it, keep both, say so, rerun."""
    attribution = st.session_state.get("maps_attribution") or None
    try:
        with st.spinner(t("maps.ui.preparing", lang)):
            prepared = run_guarded(prepare_map, boundaries, match, scenario, attribution)
        reference = map_reference(entry.key, prepared)
        new = scenario_with_map(scenario, reference, prepared)
    except ScenarioError as exc:
        list_problems(exc, lang, "maps.ui.bad")
        return
    keep_map(reference, prepared.text)
    label = {code: t("maps.ui.label", code, name=label_of(entry, code)) for code in ("en", "zh")}
    stored = workspace.save_scenario_with_its_map(  # kept under a file-like name, as uploads
        scenario_to_yaml(new), prepared.text, f"{entry.key}-map", lang
    )
    if stored is None:  # the store cannot keep it: this session only (the page said why)
        register_scenario(free_key(f"{entry.key}-map", new), new, label=label)
    else:  # in the workspace: a link to it opens it, with its map, anywhere
        register_scenario(
            workspace.picker_key(stored), new, label=label, sha256=stored.sha256,
            store_id=stored.id,
        )  # fmt: skip
    added = t(
        "maps.ui.added", lang, name=label_of(entry, lang), districts=prepared.districts,
        before=fmt_num(prepared.points_before, lang), after=fmt_num(prepared.points_after, lang),
    )  # fmt: skip
    flash("success", [added, *(n.message(lang) for n in prepared.notes)])
    st.rerun()


def _current_map(entry: Entry, scenario: Scenario, lang: str) -> None:
    """A scenario with its own map: the map drawn by population, and the download."""
    if scenario.map is None or topology_for(scenario, entry) is None:
        return
    st.caption(md_escape(t("maps.ui.has_map", lang, reference=scenario.map.topojson)))
    population = pd.Series({d.id: d.population for d in scenario.districts})
    chart = district_map(
        scenario, entry, population, lang, title=t("maps.ui.preview", lang),
        value_title=t("app.explore.population", lang), value_format=",.0f",
    )  # fmt: skip
    if chart is not None:
        st.altair_chart(chart, width="content")
    text = kept_map_text(scenario.map.topojson)
    if text is not None:
        st.download_button(
            t("maps.ui.download", lang),
            data=_zip(entry.key, scenario, text),
            file_name=f"{entry.key}.zip",
            mime="application/zip",
            key="maps_download",
            on_click="ignore",
            help=t("maps.ui.download_help", lang),
        )


def _zip(stem: str, scenario: Scenario, map_text: str) -> bytes:
    """The scenario file and its map beside it (the reference's maps/ folder)."""
    assert scenario.map is not None
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.yaml", scenario_to_yaml(scenario))
        archive.writestr(scenario.map.topojson, map_text)
    return buf.getvalue()


def map_section(lang: str) -> None:
    """The whole flow (see the module's doc), for the scenario picked in the sidebar."""
    st.subheader(t("maps.ui.title", lang))
    entry = current_entry()
    try:
        scenario = load_entry(entry)
    except ScenarioError:
        st.info(t("maps.ui.no_scenario", lang))
        return
    st.caption(t("maps.ui.help", lang, mb=LIMIT_MB, name=md_escape(label_of(entry, lang))))
    _current_map(entry, scenario, lang)
    upload = st.file_uploader(
        t("maps.ui.upload", lang, mb=LIMIT_MB),
        type=[s.lstrip(".") for s in MAP_SUFFIXES],
        key=UPLOAD_KEY,
        max_upload_size=LIMIT_MB,
    )
    if upload is None:
        return
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    with st.spinner(t("maps.ui.reading", lang)):
        read = _read(digest, data, upload.name)
    if isinstance(read, list):
        list_problems(ScenarioError(read), lang, "maps.ui.bad")
        return
    st.markdown(
        t("maps.ui.read", lang, features=len(read.features), points=fmt_num(read.points, lang))
    )
    if read.notes:
        st.info(t("maps.ui.notes", lang))
        st.markdown(bullet_list(n.message(lang) for n in read.notes))
    _match_and_use(entry, scenario, read, digest, lang)


def _match_and_use(
    entry: Entry, scenario: Scenario, boundaries: Boundaries, digest: str, lang: str
) -> None:
    """Match, show, let the user fix, ask for the attribution, and the button."""
    by = _match_by(boundaries, lang, digest)
    match = match_features(boundaries, scenario, by)
    st.markdown(f"**{t('maps.ui.fix_title', lang)}**")
    st.caption(t("maps.ui.fix_help", lang))
    key = f"maps_fix:{digest}:{by}:{entry.key}:{lang}"
    fixes = _fixes(boundaries, match, scenario, lang, key)
    match = apply_fixes(match, fixes, boundaries, scenario)
    _summary(boundaries, match, scenario, lang)
    st.text_input(
        t("maps.ui.attribution", lang),
        key="maps_attribution",
        help=t("maps.ui.attribution_help", lang),
        max_chars=300,
    )
    if clicked(t("maps.ui.use", lang), "maps_use", primary=True):
        _use(entry, scenario, boundaries, match, lang)
