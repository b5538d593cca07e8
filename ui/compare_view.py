"""The Compare page's parts: saved options from the workspace, a file of options, A and B.

An option is a name and settings of one scenario, saved in the workspace with the
headline figures it had (:mod:`ui.workspace`); to compare two, each is solved again from
its settings (cached, so the same on every browser and after a restart) and becomes a
snapshot (:mod:`govdecide.analyses.snapshots`). An options file comes from anywhere (a
colleague, an old version, a hand edit), so nothing in it may end in a traceback: the
reader's own errors are refused in words, every problem listed, and a file is taken only
when every option in it can be shown (:func:`showable`); the comparison itself is drawn
inside a guard as a last line of defence (:func:`guarded`). Numbers are formatted by kind
(``table_formats``): money grouped, shares in percent, changes of coverage in points.

An option that is a plan over years (saved on the "Plan over years" page) is solved again
as that plan (the plan page's own cache) and compared by its last year
(:func:`govdecide.analyses.snapshots.plan_snapshot`), named "Plan A (5-year plan)"
wherever it shows, with a note on what its figures are, and a warning when A and B cover
different numbers of years.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import NamedTuple

import streamlit as st

from govdecide import analyses as an
from govdecide.analyses.snapshots import plan_snapshot
from govdecide.errors import ScenarioError
from govdecide.i18n import t
from govdecide.io.scenario import Scenario
from govdecide.model.result import Result
from govdecide.model.settings import Settings
from govdecide.model.years import PlanResult, PlanSettings
from govdecide.present.analysis_charts import difference_chart
from govdecide.present.analysis_tables import (
    comparison_indicator_table,
    comparison_table,
    comparison_units_table,
    saved_options_table,
    snapshot_headline,
)
from govdecide.present.result_tables import table_formats
from govdecide.store import SavedOption
from govdecide.store.records import plan_figure_values
from ui import plan_view, solving, workspace
from ui.state import Entry
from ui.tables import number_columns
from ui.text import bullet_list, md_escape

MAX_UPLOAD_MB = 5
_LOG = logging.getLogger(__name__)


def formatted(frame: object, **extra: str) -> dict[str, object]:
    """The column settings of a table made by ``govdecide.present``: its kinds' formats,
    plus ``extra`` (heading -> format) for columns of no kind (indices)."""
    return number_columns({**table_formats(frame), **extra})  # type: ignore[arg-type]


def showable(snaps: Sequence[an.Snapshot], names: dict[str, str], lang: str) -> bool:
    """True when every option can be shown and compared: its headline, its row of the
    saved table, and its comparison with itself (sentence, chart, tables) all build.

    A file that passes the reader can still hold values of the wrong type or shape (a
    list as a name, text as a share, a district twice); probing here keeps such a file
    out of the workspace, where it would break the page on every run.
    """
    try:
        saved_options_table(snaps, lang)
        an.snapshots_to_json(snaps)
        for snap in snaps:
            if not isinstance(snap.name, str):
                return False
            Settings.from_dict(snap.settings)
            snapshot_headline(snap, lang)
            if snap.districts.empty:
                continue
            frame = an.compare(snap, snap)
            an.compare_sentence(frame, snap.name, snap.name, names, lang)
            difference_chart(frame, names, snap.name, snap.name, lang).to_dict()
            comparison_table(frame, names, lang)
            comparison_indicator_table(snap, snap, lang)
    except Exception:  # noqa: BLE001 - any failure means "cannot be shown": refuse the file
        _LOG.info("options file refused: an option cannot be shown", exc_info=True)
        return False
    return True


def read_options(data: bytes, lang: str) -> list[an.Snapshot] | None:
    """The options of an uploaded file, or None after saying why it was refused (every
    problem the reader found, in the user's language)."""
    try:
        return an.snapshots_from_json(data.decode("utf-8"))
    except ScenarioError as exc:
        st.warning(t("an.cmp.bad_file", lang))
        st.markdown(bullet_list(exc.messages(lang)))
    except ValueError:  # the reader's refusal (bad JSON, bad text encoding, bad shape)
        st.warning(t("an.cmp.bad_file", lang))
    except Exception:  # noqa: BLE001 - a reader bug must not become a trace on a user's file
        _LOG.warning("options file: the reader failed", exc_info=True)
        st.warning(t("an.cmp.bad_file", lang))
    return None


def snapshot_figures(snap: an.Snapshot) -> dict[str, float | None]:
    """The headline figures a file's option keeps when it is saved in the workspace (a
    plan's under a plan's names: its spend and budget are over all its years)."""
    if snap.plan is not None:
        return plan_figure_values(
            years=snap.years, objective=snap.objective, gap=None, efficiency=snap.efficiency,
            equity=snap.equity, people=snap.people_newly_served, budget_total=snap.budget,
            spend_total=snap.spend,
        )  # fmt: skip
    return {
        "efficiency": snap.efficiency,
        "equity": snap.equity,
        "objective": snap.objective,
        "budget": snap.budget,
        "budget_used": snap.spend,
        "people_newly_served": snap.people_newly_served,
    }


def load_upload(entry: Entry, names: dict[str, str], lang: str) -> None:
    """The file uploader: a new, readable file whose options can all be shown is saved
    into the workspace as options of this scenario (same names are replaced)."""
    upload = st.file_uploader(t("an.cmp.upload", lang), type=["json"], key="an_cmp_upload")
    if upload is None or st.session_state.get("an_cmp_loaded") == upload.file_id:
        return
    st.session_state["an_cmp_loaded"] = upload.file_id
    if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
        st.warning(t("an.cmp.too_big", lang, mb=MAX_UPLOAD_MB))
        return
    loaded = read_options(upload.getvalue(), lang)
    if loaded is None:
        return
    if not showable(loaded, names, lang):
        st.warning(t("an.cmp.bad_file", lang))
        return
    for snap in loaded:
        settings, plan = Settings.from_dict(snap.settings), snap.plan
        workspace.save_option(entry, snap.name, settings, snapshot_figures(snap), lang, plan)
    workspace.flash("success", [t("an.cmp.loaded", lang, n=len(loaded))])
    st.rerun()


def guarded(draw: Callable[[], None], lang: str) -> None:
    """Draw a part of the page; if it fails anyway, say so instead of showing a trace."""
    try:
        draw()
    except Exception:  # noqa: BLE001 - the last line of defence against a file's values
        _LOG.warning("compare page: a part could not be shown", exc_info=True)
        st.warning(t("app.cmp.cannot_show", lang))


def _solvable(settings: Settings) -> Settings:
    """An option's settings as solved here: a file's option may have no time limit, and
    is then solved as the sliders are."""
    return settings if settings.time_limit_s is not None else solving.interactive(settings)


class Solved(NamedTuple):
    """An option solved again: its snapshot, its result (a plan's :class:`PlanResult`),
    the settings solved and, for a plan over years, the plan's settings."""

    snapshot: an.Snapshot
    result: Result | PlanResult
    settings: Settings
    plan: PlanSettings | None


def _snap(
    entry: Entry, scenario: Scenario, option: SavedOption
) -> tuple[an.Snapshot, Result | PlanResult, Settings]:
    """An option solved again (a plan as that plan, as its page solves it: the same
    cache) and its snapshot under the option's own name; ScenarioError when it cannot
    be solved."""
    if option.plan is None:
        settings = _solvable(option.settings)
        result = solving.solve(entry.fingerprint, scenario, settings)
        return an.snapshot(option.name, settings, result), result, settings
    settings, plan = option.settings, option.plan
    planned = plan_view.solve_cached(entry.fingerprint, settings.key(), plan.key(), scenario)
    return plan_snapshot(option.name, settings, plan, planned), planned, settings


def solved(entry: Entry, scenario: Scenario, option: SavedOption, lang: str) -> Solved | None:
    """An option solved again from its settings (:class:`Solved`); None after listing
    every reason its settings cannot be solved (a weight for a program this scenario
    lacks). A plan's snapshot is named as a plan: "Plan A (5-year plan)"."""
    try:
        snap, result, settings = _snap(entry, scenario, option)
    except ScenarioError as exc:
        st.warning(t("ws.cmp.cannot_solve", lang, name=option.name))
        st.markdown(bullet_list(exc.messages(lang)))
        return None
    if snap.years > 1 or option.plan is not None:
        label = t("plan_saving.snap_name", lang, name=option.name, years=snap.years)
        snap = replace(snap, name=label)
    return Solved(snap, result, settings, option.plan)


def show_comparison(a: an.Snapshot, b: an.Snapshot, names: dict[str, str], lang: str) -> None:
    """Headlines of A and B, then by district: a sentence, a chart and the tables (spend
    and coverage by district, new units by district and program, equity indicators)."""
    st.markdown(
        md_escape(snapshot_headline(a, lang)) + "  \n" + md_escape(snapshot_headline(b, lang))
    )
    if a.years > 1 or b.years > 1:
        st.caption(t("plan_saving.cmp_note", lang))
    if a.years != b.years:
        st.warning(t("plan_saving.cmp_mixed", lang, a=a.years, b=b.years))
    if a.districts.empty or b.districts.empty:
        return
    frame = an.compare(a, b)
    sentence = an.compare_sentence(frame, a.name, b.name, names, lang)
    st.info(md_escape(sentence))
    if sentence != t("an.cmp.same", lang, a=a.name, b=b.name):  # else no bar to draw
        st.altair_chart(difference_chart(frame, names, a.name, b.name, lang), width="stretch")
    st.subheader(t("an.cmp.table", lang))
    side = comparison_table(frame, names, lang)
    st.dataframe(side, hide_index=True, width="stretch", column_config=formatted(side))
    units = comparison_units_table(a, b, names, lang)
    if units is not None and not units.empty:
        st.subheader(t("ws.cmp.units_title", lang))
        st.dataframe(units, hide_index=True, width="stretch", column_config=formatted(units))
    indicators = comparison_indicator_table(a, b, lang)
    if indicators is not None:
        st.subheader(t("an.trade.indicators", lang))
        three = dict.fromkeys(list(indicators.columns[1:-1]), "%.3f")
        st.dataframe(
            indicators,
            hide_index=True,
            width="stretch",
            column_config=formatted(indicators, **three),
        )


def options_file(
    entry: Entry, scenario: Scenario, options: Sequence[SavedOption], lang: str
) -> None:
    """The saved options as a file, made when the button is pressed (every option is
    solved again for its districts, from the cache when seen before)."""

    def build() -> str:
        snaps = []
        for option in options:
            try:
                snap, _result, _settings = _snap(entry, scenario, option)
            except ScenarioError:  # left out; the page lists why when it is compared
                continue
            snaps.append(snap)
        return an.snapshots_to_json(snaps)

    st.download_button(
        t("an.cmp.download", lang),
        data=build,
        file_name="govdecide-options.json",
        mime="application/json",
        key="an_cmp_download",
        on_click="ignore",
    )


def remove_options(entry: Entry, options: Sequence[SavedOption], lang: str) -> None:
    """Choose saved options and remove them from the workspace (decisions stay)."""
    by_id = {o.id: o for o in options}
    chosen = st.multiselect(
        t("ws.cmp.remove_which", lang),
        list(by_id),
        format_func=lambda i: by_id[i].name,
        key="an_cmp_remove_which",
    )
    if st.button(t("ws.cmp.remove", lang), key="an_cmp_remove", disabled=not chosen):
        workspace.delete_options(entry, list(chosen), lang)
        workspace.flash("success", [t("ws.cmp.removed", lang, n=len(chosen))])
        st.rerun()
