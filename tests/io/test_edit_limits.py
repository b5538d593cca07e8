"""The app's edit tables with cells a user (or a pasted block) can put there: every one
is refused with a message at its table and row, never another exception (issue 11)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govdecide.errors import ScenarioError
from govdecide.i18n import LANGS
from govdecide.io.scenario import load_scenario
from govdecide.io.scenario_schema import unsafe_character
from govdecide.io.table_edit import scenario_frames, scenario_from_frames

RIVERTON = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "riverton.yaml")


def deep(levels: int) -> list:
    out: list = []
    for _ in range(levels):
        out = [out]
    return out


def edited(table: str, column: str, value: object) -> ScenarioError:
    """Riverton's tables with one cell (row 1) set to ``value``: the error, rendered."""
    frames = {k: v.copy() for k, v in scenario_frames(RIVERTON).items()}
    frames[table][column] = frames[table][column].astype(object)
    frames[table].at[0, column] = value
    with pytest.raises(ScenarioError) as info:
        scenario_from_frames(RIVERTON, frames)
    for lang in LANGS:
        for message in info.value.messages(lang):
            assert unsafe_character(message) is None
    return info.value


@pytest.mark.parametrize(
    ("table", "column", "value", "code"),
    [
        ("districts", "name_en", "Old\x01Town", "bad_character"),
        ("districts", "name_zh", "\ud800", "bad_character"),
        ("programs", "name_en", "Clinic\uffff", "bad_character"),
        ("districts", "population", 1e-300, "number_too_small"),
        ("districts", "population", 1e300, "number_too_large"),
        ("districts", "ind:elderly_share", 1e-320, "number_too_small"),
        ("policy", "budget", 5e-324, "number_too_small"),
        ("districts", "population", 10**400, "number_too_large"),
        ("programs", "need_indicator", "\ud800", "bad_character"),
        ("districts", "population", np.array([1.0, 2.0]), "not_number"),
        ("districts", "name_en", deep(5000), "not_text"),
    ],
)
def test_hostile_cells_are_refused(table: str, column: str, value: object, code: str):
    error = edited(table, column, value)
    assert code in {p.code for p in error.problems}
    assert error.messages("zh")[0].startswith(("各区表", "项目表", "政策表"))


def test_a_huge_float_is_quoted_short():
    """1e300 was quoted as its 301 digits, cut: now as 1e+300."""
    assert "1e+300" in edited("districts", "population", 1e300).messages("en")[0]


def test_an_unreadable_need_indicator_says_why_in_chinese():
    """pydantic's own English words ('unable to parse raw data as a unicode string') must
    not be the message."""
    zh = edited("programs", "need_indicator", "\ud800").messages("zh")[0]
    assert "unicode" not in zh


def test_pandas_missing_values_are_blank():
    """pd.NA and NaN in a number cell are 'not given' (a required one is missing)."""
    error = edited("districts", "population", pd.NA)
    assert "missing" in {p.code for p in error.problems}
