"""Settings: one plain-data form, one canonical key, and the checks of what a caller sets."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govdecide.errors import ScenarioError
from govdecide.model.settings import Settings


def test_unlimited_staff_survives_json():
    """staff = inf (no limit) is stored as "unlimited" and read back as inf."""
    s = Settings(staff=math.inf, weights={"p1": 2.0})
    d = s.to_dict()
    assert d["staff"] == "unlimited"
    assert Settings.from_dict(json.loads(json.dumps(d))) == s


def test_equal_settings_have_one_key_and_hash_whatever_the_weights_order():
    a = Settings(budget=10.0, weights={"b": 1.0, "a": 2.0})
    b = Settings(budget=10.0, weights={"a": 2.0, "b": 1.0})
    assert a == b and a.key() == b.key() and hash(a) == hash(b)
    assert len({a, b}) == 1
    assert Settings(budget=11.0).key() != Settings(budget=10.0).key()


def test_from_dict_ignores_keys_it_does_not_know():
    """A file saved by a later version may carry more keys; the known ones still load."""
    assert Settings.from_dict({"budget": 5.0, "colour": "red"}) == Settings(budget=5.0)


def test_bad_settings_are_all_reported_at_once():
    with pytest.raises(ScenarioError) as err:
        Settings(budget=-1.0, equity_weight=2.0, method="magic", weights={"x": 1.0}).check({"p"})
    paths = [p.path for p in err.value.problems]
    assert paths == ["budget", "equity_weight", "method", "weight.x"]


finite = st.floats(min_value=0, max_value=1e12, allow_nan=False)


@given(
    budget=st.none() | finite,
    staff=st.none() | finite | st.just(math.inf),
    equity=st.none() | st.floats(min_value=0, max_value=1),
    weights=st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), finite),
    integer=st.booleans(),
    method=st.sampled_from(["auto", "milp", "structured"]),
)
def test_key_round_trips_every_setting(budget, staff, equity, weights, integer, method):
    s = Settings(
        budget=budget, staff=staff, equity_weight=equity, weights=weights, integer=integer,
        method=method,
    )  # fmt: skip
    assert Settings.from_key(s.key()) == s
    assert Settings.from_dict(json.loads(json.dumps(s.to_dict()))) == s
