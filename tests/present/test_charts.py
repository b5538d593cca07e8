"""Charts: valid Vega-Lite, words in the reader's language, safe palette, row limits kept.

Frames are built by hand so the expected rows can be counted on paper: 3 districts x 2
programs = 6 allocation rows; the dumbbell has one row per district and moment (3 x 2).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from govdecide.i18n import t
from govdecide.present import charts

ROOT = Path(__file__).resolve().parents[2]
NAMES = {"n": "North", "s": "South", "e": "East", "hs": "Health station", "sc": "School"}


def _alloc(districts=("n", "s", "e"), programs=("hs", "sc")) -> pd.DataFrame:
    rows = []
    for i, d in enumerate(districts):
        for j, p in enumerate(programs):
            rows.append({"district": d, "program": p, "new_units": i + j, "spend": 10 * (i + j)})
    return pd.DataFrame(rows)


def _data_rows(spec: dict) -> int:
    """Rows embedded in a chart spec (Altair moves frames into top-level datasets)."""
    return sum(len(v) for v in spec.get("datasets", {}).values())


def test_spend_bars_are_stacked_by_program_with_names_and_units():
    chart = charts.district_program_bars(_alloc(), "spend", NAMES, "en", currency="coins")
    spec = chart.to_dict()
    assert spec["title"]["text"] == t("app.chart.spend_title", "en")
    assert spec["encoding"]["x"]["title"] == "Spending (coins)"
    assert spec["encoding"]["x"]["stack"] == "zero"
    assert spec["encoding"]["color"]["field"] == "program_name"
    # zero-spend rows (North/Health station) are left out: 6 - 1 = 5 rows
    assert _data_rows(spec) == 5
    assert [tip["title"] for tip in spec["encoding"]["tooltip"]] == [
        "District",
        "Program",
        "Spending (coins)",
    ]


def test_chinese_labels():
    spec = charts.district_program_bars(_alloc(), "new_units", NAMES, "zh").to_dict()
    assert spec["title"]["text"] == "各区新增单位数（按项目）"
    assert spec["encoding"]["y"]["title"] == "区"


def test_palette_is_okabe_ito_in_program_order():
    spec = charts.district_program_bars(
        _alloc(), "spend", NAMES, "en", program_order=["hs", "sc"]
    ).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Health station", "School"]
    assert scale["range"] == ["#0072B2", "#E69F00"]


def test_large_allocations_keep_the_top_districts_and_say_so():
    """3,000 districts x 8 programs = 24,000 rows: only the 40 with most spend are drawn
    (at most 40 x 8 = 320 rows) and the subtitle says '40 of 3,000'."""
    districts = [f"d{i:04d}" for i in range(3000)]
    programs = [f"p{j}" for j in range(8)]
    frame = _alloc(districts, programs)
    spec = charts.district_program_bars(frame, "spend", {}, "en").to_dict()
    assert _data_rows(spec) <= 320
    assert spec["title"]["subtitle"] == "The 40 of 3,000 districts with the most new spending"
    kept = {row["district"] for v in spec["datasets"].values() for row in v}
    assert kept == set(districts[-40:])  # spend grows with the district's position


def test_dumbbell_shows_before_and_after_lowest_first():
    districts = pd.DataFrame(
        {
            "district": ["n", "s", "e"],
            "coverage_before": [0.2, 0.5, 0.9],
            "coverage_after": [0.6, 0.55, 0.95],
        }
    )
    chart = charts.coverage_dumbbell(districts, NAMES, "en")
    spec = chart.to_dict()
    assert spec["title"]["text"] == "Coverage before and after, per district"
    dots = spec["layer"][1]
    assert dots["encoding"]["color"]["scale"]["domain"] == ["Before", "After"]
    assert dots["encoding"]["y"]["sort"] == ["South", "North", "East"]  # by coverage after
    assert _data_rows(spec) == 3 + 6  # the rule's 3 rows and the dots' 3 x 2


def test_dumbbell_for_many_districts_shows_the_lowest():
    n = 3000
    districts = pd.DataFrame(
        {
            "district": [f"d{i}" for i in range(n)],
            "coverage_before": [i / n for i in range(n)],
            "coverage_after": [i / n for i in range(n)],
        }
    )
    spec = charts.coverage_dumbbell(districts, {}, "en").to_dict()
    assert _data_rows(spec) == 40 * 3
    assert "40 of 3,000" in spec["title"]["subtitle"]


def test_tile_map_places_districts_and_labels_them():
    frame = pd.DataFrame(
        {
            "district_name": ["North", "South"],
            "col": [0, 1],
            "row": [0, 0],
            "value": [1.0, 2.0],
            "extra_0": ["100", "200"],
        }
    )
    spec = charts.tile_map(
        frame,
        "Population",
        "en",
        title="Population by district",
        extra_tooltips=[("extra_0", "People")],
    ).to_dict()
    assert spec["title"]["text"] == "Population by district"
    tiles = spec["layer"][0]
    assert tiles["encoding"]["color"]["scale"]["scheme"] == "viridis"
    assert [tip["title"] for tip in tiles["encoding"]["tooltip"]] == [
        "District",
        "Population",
        "People",
    ]
    assert spec["layer"][1]["mark"]["type"] == "text"


def test_boundary_map_embeds_the_topojson_inline():
    """London: 33 borough shapes travel inside the chart; nothing is fetched by URL."""
    topo_path = ROOT / "scenarios" / "maps" / "london_boroughs.topojson"
    topology = json.loads(topo_path.read_text(encoding="utf-8"))
    ids = [g["id"] for g in topology["objects"]["boroughs"]["geometries"]]
    frame = pd.DataFrame({"map_id": ids, "district_name": ids, "value": range(len(ids))})
    chart = charts.boundary_map(
        topology,
        "boroughs",
        frame,
        "Value",
        "en",
        title="London",
        attribution="Contains OS data",
    )
    text = json.dumps(chart.to_dict())
    assert '"url"' not in text
    assert '"type": "topojson"' in text and '"feature": "boroughs"' in text
    assert "Contains OS data" in text


def test_charts_render_offline_to_svg():
    """vl-convert renders the spec without network: the chart is valid Vega-Lite."""
    vlc = pytest.importorskip("vl_convert")
    chart = charts.district_program_bars(_alloc(), "spend", NAMES, "zh", currency="千元")
    svg = vlc.vegalite_to_svg(chart.to_json())
    assert svg.startswith("<svg") and "各区新增支出" in svg


def test_row_guard():
    charts.check_rows(pd.DataFrame({"a": range(5000)}))
    with pytest.raises(charts.TooManyRows):
        charts.check_rows(pd.DataFrame({"a": range(5001)}))
    assert alt.data_transformers.active != "disable_max_rows"


def test_long_titles_wrap_by_display_width():
    """Vega never wraps: long titles become lines of at most the given display width,
    a CJK character counting two columns; short ones stay one string."""
    assert charts.wrap("budget", 24) == ["budget"]
    lines = charts.wrap("objective gain from 400 more budget (percentage points)", 24)
    assert lines == ["objective gain from 400", "more budget (percentage", "points)"]
    zh = charts.wrap("预算再增加 400 时目标值的提高（百分点）", 24)
    assert all(charts._columns(line) <= 24 for line in zh)
    assert "".join(zh).replace(" ", "") == "预算再增加400时目标值的提高（百分点）"
    assert charts.axis_title("district") == "district"


def test_analysis_charts_keep_their_axes_readable():
    """Each y title of the analysis charts fits the plot in lines (issue 11: the marginal
    chart drew a flat line with no scale), and row charts show every row label under a
    title (the robustness chart hid half of its labels and had no y title)."""
    import pandas as pd

    from govdecide.present import analysis_charts as ca

    frame = pd.DataFrame(
        {"budget": [1.0, 2.0], "marginal_value": [0.5, 0.25], "step_people": [None, 1.0]}
    )
    for lang in ("en", "zh"):
        y = ca.marginal_chart(frame, 40000, lang).to_dict()["encoding"]["y"]
        lines = y["title"] if isinstance(y["title"], list) else [y["title"]]
        assert all(charts._columns(line) <= charts.AXIS_TITLE_COLUMNS for line in lines)
    pairs = pd.DataFrame(
        {
            "district": ["a", "b"],
            "program": ["p", "p"],
            "base_units": [1.0, 0.0],
            "min_units": [0.0, 0.0],
            "max_units": [2.0, 1.0],
            "within_one": [1.0, 0.5],
        }
    )
    spec = ca.robustness_chart(pairs, {}, "en").to_dict()
    y = spec["layer"][0]["encoding"]["y"]
    assert y["title"] == "district / program"
    assert y["axis"]["labelOverlap"] is False


def test_long_names_are_cut_by_characters_before_they_are_measured():
    """A 900-character district name (a hostile table's) is drawn cut to the characters
    the label's pixel limit holds (200 px / 7 px = 28, the ellipsis included), in the
    exports' renderer too, where measuring such names cost seconds per chart; the data
    keep it whole (rows stay apart, the tooltip shows it)."""
    vlc = pytest.importorskip("vl_convert")
    long = {d: f"{d} " + "=HYPERLINK(x) <b>y</b> " * 40 for d in ("n", "s", "e")}
    chart = charts.district_program_bars(_alloc(), "spend", {**NAMES, **long}, "en")
    spec = chart.to_dict()
    assert any(
        len(row["district_name"]) > 900 for rows in spec["datasets"].values() for row in rows
    )
    svg = vlc.vegalite_to_svg(chart.to_json())
    labels = [m for m in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if "HYPERLINK" in m]
    assert len(labels) == 3
    assert all(len(html.unescape(label)) <= 200 // charts.PX_PER_CHAR for label in labels)
