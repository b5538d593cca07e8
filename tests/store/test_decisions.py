"""The decision log: append-only, numbered per workspace, with what was decided and how."""

from __future__ import annotations

import pytest

from govdecide.errors import ScenarioError
from govdecide.io.exports import csv_bytes, excel_bytes
from govdecide.model.settings import Settings
from govdecide.store import DECISION_COLUMNS, Store, Workspace, content_hash

from .conftest import RIVERTON

HASH = content_hash(RIVERTON)


def _record(ws, result, note="", settings=None):
    return ws.record_decision(scenario_id="riverton", scenario_hash=HASH,
                              settings=settings or Settings(budget=6000), result=result,
                              note=note)  # fmt: skip


def test_a_decision_records_settings_result_solver_versions_note_and_time(store: Store, result):
    ws = store.create_workspace()
    entry = _record(ws, result, note="Adopted by the council.\nSecond line.")
    assert entry.seq == 1
    assert entry.settings == Settings(budget=6000)
    assert (entry.status, entry.solver, entry.method) == (result.status, "highs", result.method)
    assert entry.figures["efficiency"] == pytest.approx(result.efficiency)
    assert entry.figures["budget_used"] == pytest.approx(result.budget_used)
    assert set(entry.versions) == {"govdecide", "pulp", "highs"}
    assert entry.versions["govdecide"] == "0.1.0"
    assert entry.note == "Adopted by the council.\nSecond line."
    assert entry.recorded_at.tzinfo is not None
    assert ws.decisions() == [entry]


def test_entries_are_numbered_in_order_and_per_workspace(store: Store, result):
    """1, 2, 3 in one workspace; another workspace starts again at 1."""
    ws, other = store.create_workspace(), store.create_workspace()
    for n in range(3):
        _record(ws, result, note=f"entry {n}")
    _record(other, result)
    log = ws.decisions()
    assert [d.seq for d in log] == [1, 2, 3]
    assert [d.note for d in log] == ["entry 0", "entry 1", "entry 2"]
    assert [d.recorded_at for d in log] == sorted(d.recorded_at for d in log)
    assert [d.seq for d in other.decisions()] == [1]


def test_the_log_is_append_only(store: Store, result):
    """No method changes or removes an entry; a correction is a new entry."""
    names = {n for n in dir(Workspace) if not n.startswith("_")}
    assert not {n for n in names if "decision" in n} - {
        "record_decision", "decisions", "decisions_frame"
    }  # fmt: skip
    ws = store.create_workspace()
    _record(ws, result, settings=Settings(budget=5000), note="budget 5000")
    _record(ws, result, settings=Settings(budget=6000), note="Correction of #1: 6000")
    assert [d.settings.budget for d in ws.decisions()] == [5000, 6000]


def test_the_decision_limit_is_a_clear_message(small_store: Store, result):
    ws = small_store.create_workspace()
    for _ in range(5):
        _record(ws, result)
    with pytest.raises(ScenarioError) as exc:
        _record(ws, result)
    assert [p.code for p in exc.value.problems] == ["store_limit_decisions"]
    assert len(ws.decisions()) == 5


@pytest.mark.parametrize(
    ("note", "code"),
    [("bell \x07", "store_control_char"), ("n" * 5001, "store_too_long"), (3, "not_string")],
)
def test_a_bad_note_is_refused(store: Store, result, note, code):
    ws = store.create_workspace()
    with pytest.raises(ScenarioError) as exc:
        _record(ws, result, note=note)
    assert [p.code for p in exc.value.problems] == [code]
    assert ws.decisions() == []


def test_the_log_as_a_table_exports_to_csv_and_excel(store: Store, result):
    """The frame starts with the fixed columns, has a column per figure and setting, and
    a note that looks like a formula is neutralised by the exports."""
    ws = store.create_workspace()
    _record(ws, result, note='=HYPERLINK("http://x")')
    _record(ws, result, note="说明")
    frame = ws.decisions_frame()
    assert list(frame.columns[: len(DECISION_COLUMNS)]) == list(DECISION_COLUMNS)
    assert list(frame["seq"]) == [1, 2]
    assert {"efficiency", "people_newly_served", "settings.budget"} <= set(frame.columns)
    assert frame.loc[0, "highs_version"] == ws.decisions()[0].versions["highs"]
    assert "'=HYPERLINK" in csv_bytes(frame).decode("utf-8-sig")
    assert excel_bytes({"decisions": frame})[:2] == b"PK"
    assert list(store.create_workspace().decisions_frame().columns) == list(DECISION_COLUMNS)
