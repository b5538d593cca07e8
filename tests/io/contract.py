"""The contract every entry keeps (issue 11): any input gives a result or the project's
own error with a message, never another exception.

One checker per entry, shared by the hostile corpus (tests/io/hostile/, run by
``hostile_runner``) and the fuzz suite (``fuzz_runner``, tests/test_fuzz.py):

* ``scenario_bytes``, ``scenario_text``: a scenario file's bytes or text
  (:func:`parse_scenario_bytes`, :func:`parse_scenario`);
* ``scenario_data``: plain data from a caller (:func:`scenario_from_data`);
* ``table``: a district table's bytes, imported with a template (guessed mapping, or the
  one given, and units);
* ``editor``: the app's edit tables of Riverton with cells changed (:func:`scenario_from_frames`);
* ``options``: a saved-options file (:func:`snapshots_from_json`);
* ``link``: slider values from a shared link (``ui.controls.values_from_query``) applied
  as settings.

Each returns an :class:`Outcome`; a broken contract is an ``AssertionError`` (or the
stray exception itself). What is accepted is also used the way the app uses it: a
scenario is solved and written back as YAML, a table's scenario too, two options are
compared and shown, so a value that passes the door but breaks what follows is found.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govdecide import analyses as an
from govdecide.errors import ScenarioError
from govdecide.i18n import LANGS
from govdecide.io.scenario import (
    Scenario,
    load_scenario,
    parse_scenario,
    parse_scenario_bytes,
    scenario_from_data,
    scenario_to_data,
    scenario_to_yaml,
)
from govdecide.io.scenario_schema import unsafe_character
from govdecide.io.table_import import build_scenario
from govdecide.io.table_read import read_table
from govdecide.model.engine import solve

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Outcome:
    """What an entry did with an input: accepted, or refused with these codes."""

    accepted: bool
    codes: tuple[str, ...] = ()
    messages: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "codes": list(self.codes), "messages": self.messages}


def refusal(error: ScenarioError) -> Outcome:
    """A refusal, after checking that every message renders in both languages and holds
    only characters a terminal, a page and a file can show."""
    assert error.problems, "a ScenarioError without problems"
    messages = {lang: error.messages(lang) for lang in LANGS}
    for lang, texts in messages.items():
        for text in texts:
            assert isinstance(text, str) and text.strip(), (lang, text)
            assert unsafe_character(text) is None, (lang, text)
            text.encode("utf-8")
    return Outcome(False, tuple(p.code for p in error.problems), messages)


def used(scenario: Scenario) -> None:
    """Use an accepted scenario as the app does: its texts are clean, it writes back to
    YAML that loads again, and it solves (any status, no exception)."""
    for value in _strings(scenario_to_data(scenario)):
        assert unsafe_character(value) is None, value
    text = scenario_to_yaml(scenario)
    assert unsafe_character(text) is None
    text.encode("utf-8")
    again = parse_scenario(text, "again.yaml")
    assert again == scenario
    result = solve(scenario)
    assert result.status in ("optimal", "feasible", "no_solution", "infeasible"), result.status
    if result.has_solution:
        assert result.allocation["new_units"].notna().all()


def _strings(data: Any) -> list[str]:
    """Every string of nested data, keys included."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []


def _scenario(read: Callable[[], Scenario]) -> Outcome:
    """A scenario entry: what ``read`` gives is used, its ScenarioError is a refusal."""
    try:
        scenario = read()
    except ScenarioError as error:
        return refusal(error)
    used(scenario)
    return Outcome(True)


def scenario_text(text: str) -> Outcome:
    return _scenario(lambda: parse_scenario(text, "fuzz.yaml"))


def scenario_bytes(data: bytes) -> Outcome:
    return _scenario(lambda: parse_scenario_bytes(data, "fuzz.yaml"))


def scenario_data(data: Any) -> Outcome:
    return _scenario(lambda: scenario_from_data(data, "fuzz"))


_TEMPLATE: list[Scenario] = []


def template() -> Scenario:
    """The template of table imports: Riverton (shares with unit 'share', per-10k rates)."""
    if not _TEMPLATE:
        _TEMPLATE.append(load_scenario(ROOT / "scenarios" / "riverton.yaml"))
    return _TEMPLATE[0]


def table(
    data: bytes,
    name: str = "fuzz.csv",
    mapping: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
) -> Outcome:
    try:
        raw = read_table(data, name)
        built = build_scenario(raw, template(), mapping=mapping, units=units)
    except ScenarioError as error:
        return refusal(error)
    for lang in LANGS:
        for note in built.note_messages(lang):
            assert unsafe_character(note) is None
    used(built.scenario)
    return Outcome(True)


def editor(changes: list[tuple[str, str, int, Any]]) -> Outcome:
    """Riverton's edit tables with each ``(table, column, row, value)`` set (a row past
    the end is added), read back."""
    import pandas as pd

    from govdecide.io.table_edit import scenario_frames, scenario_from_frames

    frames = {k: v.copy() for k, v in scenario_frames(template()).items()}
    for table_name, column, row, value in changes:
        frame = frames[table_name]
        if column not in frame.columns:
            continue
        if row >= len(frame):
            frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
            row = len(frame) - 1
        frame[column] = frame[column].astype(object)
        frame.at[row, column] = value
        frames[table_name] = frame
    try:
        scenario = scenario_from_frames(template(), frames)
    except ScenarioError as error:
        return refusal(error)
    used(scenario)
    return Outcome(True)


def options(text: str) -> Outcome:
    try:
        snaps = an.snapshots_from_json(text)
    except ScenarioError as error:
        return refusal(error)
    _options_used(snaps)
    return Outcome(True)


def _options_used(snaps: list[an.Snapshot]) -> None:
    """What the Compare options page does with read options: the table of saved options,
    each headline, and for a pair the comparison, its sentence and the indicators."""
    from govdecide.present.analysis_tables import (
        comparison_indicator_table,
        comparison_table,
        saved_options_table,
        snapshot_headline,
    )

    for lang in LANGS:
        saved_options_table(snaps, lang)
        for s in snaps:
            snapshot_headline(s, lang)
        for a, b in zip(snaps, snaps[1:], strict=False):
            if a.districts.empty or b.districts.empty:
                continue
            frame = an.compare(a, b)
            an.compare_sentence(frame, a.name, b.name, {}, lang)
            comparison_table(frame, {}, lang)
            comparison_indicator_table(a, b, lang)
    json.loads(an.snapshots_to_json(snaps))


def link(query: Mapping[str, str]) -> Outcome:
    """Slider values from a link applied to Riverton as the app applies them: values
    clamped into each slider's range, then a solve or the project's own error."""
    from ui.controls import control_specs, settings_from_values, values_from_query

    scenario = template()
    specs = control_specs(scenario, "en")
    values = values_from_query(specs, query)
    for spec in specs:
        if spec.param in values:
            assert spec.min <= values[spec.param] <= spec.max, (spec.param, values[spec.param])
    try:
        result = solve(scenario, settings_from_values(values))
    except ScenarioError as error:
        return refusal(error)
    assert result.status in ("optimal", "feasible", "no_solution", "infeasible")
    return Outcome(True)
