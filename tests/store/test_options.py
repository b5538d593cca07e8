"""Saved options: settings through their one plain-data form, named per scenario."""

from __future__ import annotations

import math

import pytest

from govdecide.errors import ScenarioError
from govdecide.model.settings import Settings
from govdecide.store import OPTION_COLUMNS, Store, content_hash, headline_figures

HASH_A = content_hash("scenario a")
HASH_B = content_hash("scenario b")
RICH = Settings(
    budget=6000.5, staff=math.inf, equity_weight=0.3, weights={"school": 2.0, "clinic": 1.5},
    solver="highs", time_limit_s=12.0, gap=0.001, integer=False, method="structured",
)  # fmt: skip


def _save(ws, name="A", settings=RICH, scenario_hash=HASH_A, figures=None):
    return ws.save_option(name, scenario_id="riverton", scenario_hash=scenario_hash,
                          settings=settings, figures=figures or {})  # fmt: skip


def test_an_option_round_trips_its_settings_and_figures(store: Store, result):
    """Every field of Settings, no staff limit (inf) included, comes back equal."""
    ws = store.create_workspace()
    saved = _save(ws, figures=headline_figures(result))
    [back] = store.open_workspace(ws.key).options()
    assert back == saved
    assert back.settings == RICH and back.settings.staff == math.inf
    assert back.figures["efficiency"] == pytest.approx(result.efficiency)
    assert back.saved_at.tzinfo is not None


def test_the_same_name_for_the_same_scenario_replaces_the_option(store: Store):
    """As on Compare: 'A' saved twice is one option with the second settings; 'A' of
    another scenario is another option."""
    ws = store.create_workspace()
    first = _save(ws, settings=Settings(budget=1))
    second = _save(ws, settings=Settings(budget=2))
    other = _save(ws, scenario_hash=HASH_B)
    assert second.id == first.id and second.settings.budget == 2
    assert [o.id for o in ws.options()] == [second.id, other.id]
    assert [o.name for o in ws.options(scenario_hash=HASH_A)] == ["A"]
    assert ws.options(scenario_hash=HASH_A)[0].settings == Settings(budget=2)


def test_options_are_listed_in_the_order_saved_and_can_be_removed(store: Store):
    ws = store.create_workspace()
    ids = [_save(ws, name=f"option {n}").id for n in range(3)]
    assert [o.id for o in ws.options()] == ids
    assert ws.delete_option(ids[1]) is True
    assert ws.delete_option(ids[1]) is False
    assert [o.id for o in ws.options()] == [ids[0], ids[2]]


def test_an_option_of_another_workspace_cannot_be_removed(store: Store):
    mine, theirs = store.create_workspace(), store.create_workspace()
    option = _save(theirs)
    assert mine.delete_option(option.id) is False
    assert theirs.options() == [option]


def test_the_option_limit_is_a_clear_message(small_store: Store):
    """At most 4 here (500 by default); replacing an existing name still works."""
    ws = small_store.create_workspace()
    for n in range(4):
        _save(ws, name=f"o{n}")
    with pytest.raises(ScenarioError) as exc:
        _save(ws, name="one too many")
    assert [p.code for p in exc.value.problems] == ["store_limit_options"]
    assert "4 saved options" in exc.value.messages("en")[0]
    _save(ws, name="o2", settings=Settings(budget=9))
    assert len(ws.options()) == 4


@pytest.mark.parametrize(
    ("name", "settings", "figures", "scenario_hash", "code"),
    [
        ("tab\there", RICH, {}, HASH_A, "store_control_char"),
        ("bidi \u202e", RICH, {}, HASH_A, "store_control_char"),
        ("   ", RICH, {}, HASH_A, "store_empty"),
        ("n" * 201, RICH, {}, HASH_A, "store_too_long"),
        ("A", Settings(budget=-1), {}, HASH_A, "setting_negative"),
        ("A", Settings(method="fastest"), {}, HASH_A, "unknown_method"),
        ("A", RICH, {"efficiency": "high"}, HASH_A, "not_number"),
        ("A", RICH, {"efficiency": math.nan}, HASH_A, "not_finite"),
        ("A", RICH, {"Bad Name": 1.0}, HASH_A, "bad_id"),
        ("A", RICH, {}, "not a hash", "store_bad_hash"),
    ],
)
def test_bad_input_is_refused_with_a_catalogue_message(
    store: Store, name, settings, figures, scenario_hash, code
):
    ws = store.create_workspace()
    with pytest.raises(ScenarioError) as exc:
        _save(ws, name=name, settings=settings, figures=figures, scenario_hash=scenario_hash)
    assert code in {p.code for p in exc.value.problems}
    assert all(exc.value.messages("zh"))
    assert ws.options() == []


def test_text_is_stored_as_given(store: Store):
    """Markup is not escaped on the way in (escaping is the display's job)."""
    ws = store.create_workspace()
    name = "<b>Plan</b> & 'quotes' \"double\" ; DROP TABLE saved_options; -- 方案"
    _save(ws, name=name)
    assert [o.name for o in ws.options()] == [name]


def test_options_as_a_table(store: Store, result):
    ws = store.create_workspace()
    _save(ws, figures=headline_figures(result))
    frame = ws.options_frame()
    assert list(frame.columns[: len(OPTION_COLUMNS)]) == list(OPTION_COLUMNS)
    assert frame.loc[0, "settings.budget"] == 6000.5
    assert frame.loc[0, "settings.staff"] == "unlimited"
    assert frame.loc[0, "efficiency"] == pytest.approx(result.efficiency)
    assert list(store.create_workspace().options_frame().columns) == list(OPTION_COLUMNS)


def test_a_problem_in_the_settings_names_the_setting(store: Store):
    """'settings.integer', 'settings.budget': where to look, not only what is wrong."""
    ws = store.create_workspace()
    for bad, path in ((Settings(integer="yes"), "settings.integer"),
                      (Settings(budget=-1), "settings.budget")):  # fmt: skip
        with pytest.raises(ScenarioError) as exc:
            _save(ws, settings=bad)
        assert [p.path for p in exc.value.problems] == [path]
