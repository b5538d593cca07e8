"""Saved-options files (Compare options' download, read back with snapshots_from_json):
anything uploaded is read or refused with a ValueError whose messages say why, in both
languages; what is read can be shown and compared (issue 11, items 1 and 3)."""

from __future__ import annotations

import json

import pytest

from govdecide import analyses as an
from govdecide.errors import ScenarioError
from govdecide.i18n import LANGS
from govdecide.io.scenario_schema import unsafe_character
from govdecide.model.engine import solve
from govdecide.model.settings import Settings
from govdecide.present.analysis_tables import (
    comparison_indicator_table,
    saved_options_table,
    snapshot_headline,
)
from tests.analyses.scenarios import two


def good_file() -> dict:
    """Two saved options of the two-district test scenario, as plain data."""
    scenario = two(equity_weight=0)
    a = an.snapshot("Plan A", Settings(), solve(scenario, Settings()), scenario="Two")
    b = an.snapshot("Plan B", Settings(budget=12), solve(scenario, Settings(budget=12)))
    return json.loads(an.snapshots_to_json([a, b]))


def refused(text: str) -> ScenarioError:
    """The error of reading ``text``: a ValueError (the page's catch) with messages."""
    with pytest.raises(ValueError) as info:
        an.snapshots_from_json(text)
    assert isinstance(info.value, ScenarioError)
    for lang in LANGS:
        for message in info.value.messages(lang):
            assert message and unsafe_character(message) is None
    return info.value


def changed(path: tuple, value: object) -> str:
    """The good file with one value replaced, as JSON text."""
    data = good_file()
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return json.dumps(data, ensure_ascii=True)


def test_the_good_file_reads_and_compares():
    back = an.snapshots_from_json(json.dumps(good_file()))
    assert [s.name for s in back] == ["Plan A", "Plan B"]
    assert an.compare(back[0], back[1])["spend_diff"].tolist() == pytest.approx([0, 2])


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        (("snapshots", 0, "name"), "Plan\x01A", "bad_character"),
        (("snapshots", 0, "name"), "\ud800", "bad_character"),
        (("snapshots", 0, "name"), "", "missing"),
        (("snapshots", 0, "name"), 5, "not_string"),
        (("snapshots", 0, "scenario"), "Two\uffff", "bad_character"),
        (("snapshots", 0, "efficiency"), "high", "not_number"),
        (("snapshots", 0, "budget"), None, "not_number"),
        (("snapshots", 0, "settings"), [1], "not_mapping"),
        (("snapshots", 0, "settings", "budget"), -1, "setting_negative"),
        (("snapshots", 0, "settings", "weights"), "abc", "not_mapping"),
        (("snapshots", 0, "settings", "integer"), "yes", "not_bool"),
        (("snapshots", 0, "districts"), {"a": 1}, "not_list"),
        (("snapshots", 0, "districts", 0), "a", "not_mapping"),
        (("snapshots", 0, "districts", 0, "district"), "a\x00", "bad_character"),
        (("snapshots", 0, "districts", 1, "district"), "a", "duplicate_id"),
        (("snapshots", 0, "districts", 0, "population"), -5, "greater_than"),
        (("snapshots", 0, "districts", 0, "coverage_after"), 7, "less_than_equal"),
        (("snapshots", 0, "districts", 1, "population"), None, "not_number"),
        (("snapshots", 0, "allocation", 0, "program"), "\x07", "bad_character"),
        (("snapshots", 0, "allocation", 0, "served"), [1], "not_number"),
        (("snapshots",), {"x": 1}, "not_list"),
        (("snapshots", 1), 3, "not_mapping"),
    ],
)
def test_bad_values_are_refused_at_their_place(path: tuple, value: object, code: str):
    error = refused(changed(path, value))
    assert code in {p.code for p in error.problems}
    assert any(p.path.startswith("snapshots") for p in error.problems)


def test_a_figure_left_out():
    """Every headline figure is there (null when there is no solution): a file without
    people_newly_served raised TypeError in Snapshot.from_dict."""
    data = good_file()
    del data["snapshots"][1]["people_newly_served"]
    error = refused(json.dumps(data))
    assert [(p.path, p.code) for p in error.problems] == [
        ("snapshots[1].people_newly_served", "missing")
    ]


def test_missing_figures_of_a_solved_option():
    """An option with E must have z and its spend (the headline shows all three)."""
    error = refused(changed(("snapshots", 0, "equity"), None))
    assert [p.code for p in error.problems] == ["missing"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("not json", "options_not_json"),
        ("[" * 100_000 + "]" * 100_000, "options_too_deep"),
        ('{"snapshots": [' + "1" * 5000 + "]}", "options_not_json"),
        ('{"format": "something else"}', "options_format"),
        ("[]", "options_format"),
    ],
)
def test_files_that_are_not_options_files(text: str, code: str):
    assert [p.code for p in refused(text).problems] == [code]


def test_non_finite_numbers_are_refused():
    """JSON's NaN and Infinity literals read as floats: a figure cannot be either."""
    text = changed(("snapshots", 0, "efficiency"), 0.5)
    text = text.replace('"efficiency": 0.5', '"efficiency": NaN')
    assert "not_finite" in {p.code for p in refused(text).problems}
    big = changed(("snapshots", 0, "budget"), 1).replace('"budget": 1', '"budget": 1' + "0" * 400)
    assert "number_too_large" in {p.code for p in refused(big).problems}


def test_problems_are_bounded():
    """A file of 1,000 bad options lists a bounded number of problems, then a count."""
    data = good_file()
    data["snapshots"] = [{"name": "\x01"} for _ in range(1000)]
    error = refused(json.dumps(data))
    assert len(error.problems) <= 51
    assert error.problems[-1].code == "more_problems"


def test_what_is_read_can_be_shown():
    """The page's builders on a read file: headline, table, indicators."""
    a, b = an.snapshots_from_json(json.dumps(good_file()))
    for lang in LANGS:
        assert snapshot_headline(a, lang)
        assert len(saved_options_table([a, b], lang)) == 2
        comparison_indicator_table(a, b, lang)
