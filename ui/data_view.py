"""The data page's parts: upload a scenario file, build one from a table, edit one.

Each valid upload or build is kept in the session's workspace (:mod:`ui.workspace`: a link
opens it anywhere), joins the sidebar's scenario picker (``register_scenario``) and becomes
the current scenario, so every other page works on it at once. A share column holding
percentages is refused with the fix offered: divide it by 100, once the user confirms.
Bad input never shows a trace: the list of problems, each with its line or row, is what
the user sees.
The work itself is in ``govdecide.io.table_read``, ``table_mapping``, ``table_import``,
``table_edit`` and :mod:`govdecide.io.scenario`, the previews and headings in
:mod:`govdecide.present.data_tables`; this module reads widgets and shows what they return.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import localize, t
from govdecide.io.scenario import (
    MAX_FILE_BYTES,
    Scenario,
    parse_scenario_bytes,
    scenario_to_yaml,
)
from govdecide.io.table_edit import scenario_frames, scenario_from_frames
from govdecide.io.table_import import build_scenario, percent_fixes
from govdecide.io.table_mapping import field_choices, field_label, guess_mapping, unit_label
from govdecide.io.table_read import MAX_TABLE_BYTES, RawTable, read_table
from govdecide.present.data_tables import (
    district_edit_headings,
    edit_headings,
    is_measure_column,
    table_preview,
)
from ui import workspace
from ui.messages import list_problems
from ui.sidebar import require_scenario
from ui.state import (
    current_scenario_key,
    entries,
    label_of,
    load_entry,
    register_scenario,
    scenario_fingerprint,
)
from ui.text import bullet_list, label_escape, md_escape

LIMIT_MB = MAX_TABLE_BYTES // (1024 * 1024)
YAML_LIMIT_MB = MAX_FILE_BYTES // (1024 * 1024)
_DONE = "_io_registered"  # upload digest -> picker key, so a kept upload registers once
_FLASH = "_io_flash"  # (kind, messages) to show after the rerun that follows a change
_UNITS = "_io_units"  # table digest -> {column: unit} the user confirmed (a percent fix)
Saved = tuple[str, str, str]  # what the workspace keeps: (YAML text, label, origin)


def _request(flag: str) -> None:
    """Button callback: remember the click in session state.

    A callback runs before the script, and its flag survives a rerun that happens before
    the button is drawn again (the app's navigation may rerun once), where a button's
    return value would be lost.
    """
    st.session_state[flag] = True


def clicked(label: str, key: str, primary: bool = False) -> bool:
    """A button whose click is kept until this run reads it (see :func:`_request`)."""
    flag = f"_clicked:{key}"
    st.button(
        label,
        key=key,
        type="primary" if primary else "secondary",
        on_click=_request,
        args=(flag,),
    )
    return bool(st.session_state.pop(flag, False))


def _digest(data: bytes) -> str:
    """A short content hash of an upload (widget keys, "already added" memory)."""
    return hashlib.sha256(data).hexdigest()[:16]


def flash(kind: str, messages: list[str]) -> None:
    """Keep a message for the next run (a registration reruns the app)."""
    st.session_state[_FLASH] = (kind, messages)


def show_flash() -> None:
    """The message kept by :func:`flash`, once."""
    kind, messages = st.session_state.pop(_FLASH, (None, []))
    if not messages:
        return
    box = st.success if kind == "success" else st.info
    box(md_escape(messages[0]))
    if len(messages) > 1:
        st.markdown(bullet_list(messages[1:]))


def free_key(key: str, scenario: Scenario) -> str:
    """``key``, or ``key-2``, ``key-3``... when another scenario of this session has it
    (two different files called data.csv must not replace each other in the picker)."""
    known = entries()
    fingerprint = "upload:" + scenario_fingerprint(scenario)
    candidate, n = key, 2
    while candidate in known and known[candidate].fingerprint != fingerprint:
        candidate, n = f"{key}-{n}", n + 1
    return candidate


def add_to_picker(
    digest: str, key: str, scenario: Scenario, lang: str, notes: list[str], saved: Saved
) -> None:
    """Keep a scenario in the workspace and register it once per upload, say so after
    the rerun, and rerun. Kept, it joins the picker under its workspace id (a link to it
    works anywhere); when the store cannot keep it, it stays in this session only."""
    text, label, origin = saved
    stored = workspace.save_scenario(text, label, origin, lang)
    if stored is not None:
        got = register_scenario(
            workspace.picker_key(stored), scenario, sha256=stored.sha256, store_id=stored.id
        )
        notes = [*notes, t("ws.data.saved", lang)]
    else:
        got = register_scenario(free_key(key, scenario), scenario)
        notes = [*notes, t("ws.data.session_only", lang)]
    st.session_state.setdefault(_DONE, {})[digest] = got
    flash(
        "success",
        [t("io.data.added", lang, name=localize(scenario.name, lang)), *notes],
    )
    st.rerun()


# -- 1. a scenario file -------------------------------------------------------------------


def upload_section(lang: str) -> None:
    """Upload a YAML scenario; problems listed, a valid file joins the picker."""
    st.subheader(t("io.data.upload_title", lang))
    st.caption(t("io.data.upload_help", lang, mb=YAML_LIMIT_MB))
    upload = st.file_uploader(
        t("io.data.upload_label", lang, mb=YAML_LIMIT_MB),
        type=["yaml", "yml"],
        key="io_upload_yaml",
        max_upload_size=YAML_LIMIT_MB,
    )
    if upload is None:
        return
    data = upload.getvalue()
    digest = _digest(data)
    done = st.session_state.get(_DONE, {})
    if digest in done:
        st.info(t("io.data.already_added", lang, key=done[digest]))
        return
    try:
        scenario = parse_scenario_bytes(data, upload.name)
    except ScenarioError as exc:
        list_problems(exc, lang, "io.data.upload_bad")
        return
    saved = (data.decode("utf-8-sig"), upload.name, "upload")
    add_to_picker(digest, Path(upload.name).stem, scenario, lang, [], saved)


# -- 2. a table of districts --------------------------------------------------------------


def template_choice(lang: str) -> Scenario | None:
    """The scenario whose programs and policy a table import uses (default: the current)."""
    known = entries()
    keys = list(known)
    current = current_scenario_key()
    index = keys.index(current) if current in keys else 0
    key = st.selectbox(
        t("io.data.template", lang),
        keys,
        index=index,
        format_func=lambda k: label_of(known[k], lang),
        key="io_template",
        help=t("io.data.template_help", lang),
    )
    try:
        return load_entry(known[key])
    except ScenarioError as exc:
        list_problems(exc, lang, "io.data.template_bad")
        return None


def table_section(lang: str) -> None:
    """Upload a CSV/Excel table, map its columns (guesses pre-filled), build, add."""
    st.subheader(t("io.data.table_title", lang))
    st.caption(t("io.data.table_help", lang, mb=LIMIT_MB))
    upload = st.file_uploader(
        t("io.data.table_label", lang, mb=LIMIT_MB),
        type=["csv", "tsv", "txt", "xlsx"],
        key="io_upload_table",
        max_upload_size=LIMIT_MB,
    )
    if upload is None:
        return
    data = upload.getvalue()
    digest = _digest(data)
    try:
        table = read_table(data, upload.name)
    except ScenarioError as exc:
        list_problems(exc, lang, "io.data.table_bad")
        return
    st.markdown(t("io.data.step_preview", lang, rows=len(table.rows), columns=len(table.columns)))
    st.dataframe(table_preview(table), key=f"io_preview_{digest}")
    template = template_choice(lang)
    if template is None:
        return
    st.markdown(t("io.data.step_map", lang))
    guesses = guess_mapping(table, template)
    choices = field_choices(table, template)
    mapping: dict[str, str] = {}
    columns = st.columns(3)
    for j, column in enumerate(table.columns):
        options = choices if guesses[column] in choices else [*choices, guesses[column]]
        with columns[j % 3]:
            mapping[column] = st.selectbox(
                label_escape(column),
                options,
                index=options.index(guesses[column]),
                format_func=lambda f: field_label(f, lang, template),
                key=f"io_map_{digest}_{j}",
            )
    name = st.text_input(
        t("io.data.name", lang), value=Path(upload.name).stem, key=f"io_name_{digest}"
    )
    build_section(table, template, mapping, name, upload.name, digest, lang)


def _confirm_units(digest: str, fixes: dict[str, str]) -> None:
    """Button callback: the user confirmed a unit for these columns; build again."""
    st.session_state.setdefault(_UNITS, {}).setdefault(digest, {}).update(fixes)
    st.session_state[f"_rebuild:{digest}"] = True


def _drop_units(digest: str) -> None:
    """Button callback: read every column as it is again."""
    st.session_state.setdefault(_UNITS, {}).pop(digest, None)


def units_applied(digest: str, lang: str) -> dict[str, str]:
    """The units the user confirmed for this table's columns, said, with a way back."""
    units: dict[str, str] = st.session_state.get(_UNITS, {}).get(digest, {})
    if units:
        said = [t("ws.data.unit_of", lang, column=c, unit=unit_label(u, lang)) for c, u in
                units.items()]  # fmt: skip
        st.info(t("ws.data.units_title", lang) + "\n\n" + bullet_list(said))
        st.button(
            t("ws.data.units_undo", lang), key=f"io_units_undo_{digest}", on_click=_drop_units,
            args=(digest,), type="tertiary",
        )  # fmt: skip
    return units


def offer_percent_fix(exc: ScenarioError, digest: str, lang: str) -> None:
    """A share column holding percentages: offer to divide it by 100 (the user confirms)."""
    fixes = percent_fixes(exc)
    if not fixes:
        return
    columns = ", ".join(f"“{c}”" for c in fixes)
    st.info(md_escape(t("ws.data.percent_offer", lang, columns=columns)))
    st.button(
        t("ws.data.percent_fix", lang), key=f"io_percent_fix_{digest}", type="primary",
        on_click=_confirm_units, args=(digest, fixes),
    )  # fmt: skip


def build_section(
    table: RawTable,
    template: Scenario,
    mapping: dict[str, str],
    name: str,
    file_name: str,
    digest: str,
    lang: str,
) -> None:
    """The build button: a valid scenario joins the workspace and the picker; problems are
    listed, with the fix for percentages in a share column offered."""
    units = units_applied(digest, lang)
    build = clicked(t("io.data.build", lang), f"io_build_{digest}", primary=True)
    if not (st.session_state.pop(f"_rebuild:{digest}", False) or build):
        return
    try:
        built = build_scenario(
            table, template, mapping=mapping, name=name.strip() or None, units=units
        )
    except ScenarioError as exc:
        list_problems(exc, lang, "io.data.build_bad")
        offer_percent_fix(exc, digest, lang)
        return
    add_to_picker(
        digest + ":" + _digest(repr((sorted(mapping.items()), sorted(units.items()))).encode()),
        Path(file_name).stem,
        built.scenario,
        lang,
        built.note_messages(lang),
        (scenario_to_yaml(built.scenario), file_name, "table"),
    )


# -- 3. edit the current scenario ---------------------------------------------------------


def _district_columns(columns: list[str], scenario: Scenario, lang: str) -> dict:
    """Column settings of the districts editor: readable headings, and indicator and
    baseline columns as numbers of at least 0 (ids stay the column names)."""
    return {
        column: st.column_config.NumberColumn(heading, min_value=0.0)
        if is_measure_column(column)
        else heading
        for column, heading in district_edit_headings(columns, scenario, lang).items()
    }


def _has_edits(state: object) -> bool:
    """True when a data editor's state holds any edited, added or deleted row."""
    if not isinstance(state, dict):
        return False
    return any(state.get(part) for part in ("edited_rows", "added_rows", "deleted_rows"))


def edit_section(lang: str) -> None:
    """Districts, programs and policy of the current scenario in keyed data editors.

    The editors' input is always built from the scenario (never from their own output);
    the edited tables are validated into a new scenario before anything uses them.
    """
    entry, scenario = require_scenario(lang)
    st.subheader(t("io.data.edit_title", lang, name=md_escape(localize(scenario.name, lang))))
    st.caption(t("io.data.edit_help", lang))
    frames = scenario_frames(scenario)
    config = _district_columns(list(frames["districts"].columns), scenario, lang)
    key = entry.fingerprint.replace(":", "_")
    st.markdown("**" + t("io.data.edit_districts", lang) + "**")
    districts = st.data_editor(
        frames["districts"],
        key=f"io_edit_districts_{key}",
        num_rows="dynamic",
        hide_index=True,
        column_config=config,
    )
    st.markdown("**" + t("io.data.edit_programs", lang) + "**")
    programs = st.data_editor(
        frames["programs"],
        key=f"io_edit_programs_{key}",
        num_rows="dynamic",
        hide_index=True,
        column_config=edit_headings(frames["programs"].columns, lang),
    )
    st.markdown("**" + t("io.data.edit_policy", lang) + "**")
    policy = st.data_editor(
        frames["policy"],
        key=f"io_edit_policy_{key}",
        num_rows="fixed",
        hide_index=True,
        column_config=edit_headings(frames["policy"].columns, lang),
    )
    edited_frames = {"districts": districts, "programs": programs, "policy": policy}
    editor_keys = [f"io_edit_{part}_{key}" for part in ("districts", "programs", "policy")]
    if not any(_has_edits(st.session_state.get(k)) for k in editor_keys):
        edited = scenario  # nothing typed yet: skip re-validating a large scenario
    else:
        try:
            edited = scenario_from_frames(scenario, edited_frames, file=t("io.edit.file", lang))
        except ScenarioError as exc:
            list_problems(exc, lang, "io.data.edit_bad")
            return
    changed = edited != scenario
    stem = entry.key if not changed else f"{entry.key}-edited"
    left, right = st.columns(2)
    with left:
        st.download_button(
            t("io.data.download_yaml", lang),
            data=scenario_to_yaml(edited).encode("utf-8"),
            file_name=f"{stem}.yaml",
            mime="application/x-yaml",
            key=f"io_yaml_{key}",
            on_click="ignore",
        )
    with right:
        if changed:
            st.caption(t("io.data.edit_valid", lang))
            if clicked(t("io.data.use_edited", lang), f"io_use_{key}", primary=True):
                text = scenario_to_yaml(edited)
                saved = (text, f"{stem}.yaml", "edit")
                add_to_picker(_digest(text.encode()), stem, edited, lang, [], saved)
        else:
            st.caption(t("io.data.edit_unchanged", lang))
