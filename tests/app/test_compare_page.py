"""The compare page never shows a traceback, whatever options file is uploaded (issue 11).

Each malformed file is uploaded to the page under AppTest: the page must end without an
exception element and say the file was refused. Files that are well formed but odd (no
districts, one option only) load and show what they can. The page's tables carry their
display formats (percent, grouped numbers), never raw floats such as ``43088.5714``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from govdecide import Allocator, Settings, load_scenario
from govdecide import analyses as an
from govdecide.i18n import t

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
FORMAT = "govdecide/snapshots-v1"


@pytest.fixture(scope="module")
def good() -> dict:
    """One real option of Riverton at its own settings, as the download writes it."""
    scenario = load_scenario(ROOT / "scenarios" / "riverton.yaml")
    settings = Settings(time_limit_s=2.0)
    snap = an.snapshot("Now", settings, Allocator(scenario).solve(settings))
    return json.loads(an.snapshots_to_json([snap]))["snapshots"][0]


def _two(good: dict, **change: object) -> str:
    """A file of two options ("A" and "B"), both with ``change`` applied."""
    pair = [dict(good, name="A"), dict(good, name="B")]
    pair[0].update(change)
    pair[1].update(change)
    return json.dumps({"format": FORMAT, "snapshots": pair})


def _upload(text: str | bytes) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("app_pages/compare.py").run()
    data = text.encode("utf-8") if isinstance(text, str) else text
    at.file_uploader(key="an_cmp_upload").upload("options.json", data, "application/json")
    return at.run()


MALFORMED = {
    "deep nesting": "[" * 100_000 + "]" * 100_000,
    "not json": "{format: nope",
    "not utf-8": b"\xff\xfe\x00garbage",
    "a number as option": json.dumps({"format": FORMAT, "snapshots": [1]}),
    "options as text": json.dumps({"format": FORMAT, "snapshots": "ab"}),
    "option without fields": json.dumps({"format": FORMAT, "snapshots": [{"name": "x"}]}),
}

ODD_VALUES = {
    "name is a list": {"name": ["x"]},
    "settings is a list": {"settings": [1]},
    "efficiency is text": {"efficiency": "high"},
    "budget is text": {"budget": "lots"},
    "districts is text": {"districts": "abc"},
    "coverage is text": {"districts": [{"district": "a", "coverage_after": "x"}]},
    "district twice": {
        "districts": [
            {"district": "a", "coverage_after": 0.1},
            {"district": "a", "coverage_after": 0.2},
        ]
    },
    "district is a list": {"districts": [{"district": ["a"], "coverage_after": 0.1}]},
    "allocation is text": {"allocation": "zz"},
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_file_is_refused_in_words(case):
    at = _upload(MALFORMED[case])
    assert not at.exception, [e.value for e in at.exception]
    assert t("an.cmp.bad_file", "en") in [w.value for w in at.warning]


@pytest.mark.parametrize("case", list(ODD_VALUES))
def test_odd_values_never_give_a_traceback(good, case):
    """Values of the wrong type or shape: refused at the door, or shown without a trace."""
    at = _upload(_two(good, **ODD_VALUES[case]))
    assert not at.exception, [e.value for e in at.exception]
    refused = t("an.cmp.bad_file", "en") in [w.value for w in at.warning]
    loaded = t("an.cmp.loaded", "en", n=2) in [s.value for s in at.success]
    assert refused or loaded


def test_options_without_districts_load_and_show_their_headline(good):
    """An options file saved without districts still loads; the page says what it can."""
    at = _upload(_two(good, districts=[], allocation=[]))
    assert not at.exception, [e.value for e in at.exception]
    assert t("an.cmp.loaded", "en", n=2) in [s.value for s in at.success]


def _formats(frame_element) -> dict[str, str]:
    """The display format of each configured column of a dataframe element."""
    config = frame_element.proto.columns
    out = {}
    for label, spec in json.loads(config).items():
        fmt = spec.get("type_config", {}).get("format")
        if fmt:
            out[label] = fmt
    return out


def test_the_tables_carry_display_formats(good):
    """Every figure column has the format of its kind (``table_formats``): budget and spend
    grouped, shares and coverage in percent with one decimal, the change of coverage in
    points; units only per program, never summed over programs (issue 11, item 11)."""
    at = _upload(_two(good))
    assert not at.exception
    saved, side, units = at.dataframe[0], at.dataframe[1], at.dataframe[2]
    fmt = _formats(saved)
    for heading in ("Budget", "Spent", "Need served (E) (%)", "Worst-served district (z) (%)"):
        assert fmt[heading] == "localized", heading
    assert saved.value["Need served (E) (%)"].iloc[0] == round(good["efficiency"] * 100, 1)
    side_fmt = _formats(side)
    for x in ("A", "B", t("an.cmp.diff", "en")):
        assert side_fmt[t("an.cmp.spend", "en", x=x)] == "localized"
    for x in ("A", "B"):
        assert side_fmt[t("an.cmp.coverage_pct", "en", x=x)] == "localized"
    assert side_fmt[t("an.cmp.coverage_change", "en")] == "localized"
    assert "Coverage B − A (points)" in side.value.columns
    assert not [c for c in side.value.columns if c.startswith("Units")]
    assert list(units.value.columns[:2]) == ["District", "Program"]
    assert set(_formats(units)) == {f"New units {x}" for x in ("A", "B", "B − A")}
