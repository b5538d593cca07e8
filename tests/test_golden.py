"""The golden check: the same commands give the same output as before the reorganisation.

``tests/golden/expected/`` was written by ``python -m tests.golden.cases --write`` on the
code before the layout changed (commit "Golden check before the reorganisation"); each
case here runs the same command on today's code and compares everything but clocks.
"""

from __future__ import annotations

import json

import pytest

from tests.golden.cases import EXPECTED, cases, differences

CASES = cases()


def test_every_case_has_its_stored_output():
    stored = {p.stem for p in EXPECTED.glob("*.json")}
    assert stored == set(CASES)


def test_differences_sees_a_changed_number_and_a_changed_word():
    """The comparison itself can fail: 0.5 vs 0.5000001 and 'optimal' vs 'feasible'."""
    assert differences({"a": 0.5}, {"a": 0.5 + 1e-12}) == []
    assert differences({"a": 0.5}, {"a": 0.5000001})
    assert differences({"s": "optimal"}, {"s": "feasible"})
    assert differences({"x": [1, 2]}, {"x": [1, 2, 3]})


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_output_as_before(name: str):
    expected = json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(CASES[name](), ensure_ascii=False, sort_keys=True))
    problems = differences(expected, actual)
    assert not problems, "\n".join(problems[:20])
