"""The HTML report: self-contained (no external URL), escaped, complete, in both languages."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

import govdecide
from govdecide import Settings, load_scenario, solve
from govdecide.i18n import localize
from govdecide.io.report import ReportParts, build_report, inline_svg, render_report
from govdecide.io.scenario import scenario_from_data

ROOT = Path(__file__).resolve().parents[2]
WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
EVIL = "<script>alert(1)</script>"


def hostile():
    """Two districts, one named EVIL; paper optimum as in test_exports (A 1 unit, B 3)."""
    return scenario_from_data(
        {
            "format": "govdecide/v1",
            "name": {"en": "Hostile <b>town</b>", "zh": "恶意<b>镇</b>"},
            "description": 'Tom & Jerry\'s "place"',
            "attribution": "<img src=x onerror=alert(2)>",
            "indicators": [{"id": "old", "name": "<i>old</i>", "source": "<a href=x>s</a>"}],
            "districts": [
                {"id": "a", "name": EVIL, "population": 1000, "indicators": {"old": 0.1}},
                {"id": "b", "name": "=1+2", "population": 3000, "indicators": {"old": 0.2}},
            ],
            "programs": [
                {
                    "id": "clinic",
                    "name": "<u>clinic</u>",
                    "unit_cost": 10,
                    "capacity": 500,
                    "integer": True,
                    "need": {"indicator": "population"},
                },
            ],
            "policy": {"budget": 40, "equity_weight": 1.0},
        }
    )


class _Tags(HTMLParser):
    """Collects every tag and attribute of a page (as a browser's parser sees them)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "link", "iframe", "img", "object", "embed", "base", "a"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "srcset", "data", "poster"):
                if not (value or "").startswith("#"):
                    self.found.append(f"{tag}[{name}={value}]")
            local = re.fullmatch(r"url\(#[\w-]+\)", (value or "").strip())  # a legend gradient
            if name.startswith("on") or ("url(" in (value or "").lower() and not local):
                self.found.append(f"{tag}[{name}={value}]")
        self._in_style = tag == "style"

    def handle_data(self, data):
        if self._in_style:
            self.style += data


def external_references(page: str) -> list[str]:
    """Anything that would make a browser fetch or link outside the file: external tags,
    src/href attributes, url() or @import in styles, and any http(s) URL at all."""
    parser = _Tags()
    parser.feed(page)
    found = list(parser.found)
    found += re.findall(r"url\(|@import", parser.style, re.I)
    found += re.findall(r"https?://\S*", page, re.I)
    return found


@pytest.fixture(scope="module")
def hostile_report():
    page, result = build_report(
        hostile(), Settings(), "en", source="hostile.yaml", generated_at=WHEN
    )
    return page, result


def test_hostile_texts_are_escaped(hostile_report):
    """The district name appears as text (&lt;script&gt;...), never as a tag, also inside
    the charts; the other injected tags are escaped too."""
    page, result = hostile_report
    assert result.status == "optimal"
    assert EVIL not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    assert "<img" not in page.lower() and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<b>town</b>" not in page and "Hostile &lt;b&gt;town&lt;/b&gt;" in page
    assert "Tom &amp; Jerry&#x27;s &quot;place&quot;" in page
    assert "<u>clinic</u>" not in page and "<a href" not in page
    assert external_references(page) == []


def test_riverton_report_is_complete_and_self_contained():
    """Everything the issue lists: name, sources, settings, figures, charts, summary, equity,
    versions, timestamp; and nothing that needs the internet."""
    scenario = load_scenario(ROOT / "scenarios" / "riverton.yaml")
    settings = Settings(budget=30000, equity_weight=0.5)
    page, result = build_report(scenario, settings, "en", source="riverton.yaml", generated_at=WHEN)
    assert result.status == "optimal"
    assert external_references(page) == []
    assert "Allocation report: Riverton" in page
    assert "2026-03-01 09:30:00 UTC" in page
    assert govdecide.__version__ in page and govdecide.MODEL_VERSION in page
    assert "riverton.yaml" in page  # data source: the file
    for ind in scenario.indicators:  # data sources: each indicator's source
        assert ind.source is None or html.escape(localize(ind.source, "en")) in page
    # settings in effect, with where they came from
    assert "30,000" in page and "changed for this run" in page and "0.50" in page
    assert page.count("Priority weight: ") == len(scenario.programs)
    # headline figures
    assert f"{result.people_newly_served:,.0f}" in page
    assert f"{result.equity * 100:.1f}%" in page
    # charts inline, summary, equity indicators
    assert page.count("<svg") == 4 and "<figure>" in page  # and the map of gains (tiles)
    assert "In plain words" in page and "<li>" in page
    assert "Gini" in page
    assert '<html lang="en">' in page


def test_report_in_chinese():
    scenario = load_scenario(ROOT / "scenarios" / "riverton.yaml")
    page, _ = build_report(scenario, Settings(), "zh", generated_at=WHEN)
    assert '<html lang="zh">' in page
    assert "资源分配报告：河湾市" in page and "所用设置" in page and "数据来源" in page
    assert external_references(page) == []


def test_infeasible_report_says_why():
    """A floor of 5 clinics in each of 2 districts costs 100 > budget 40: infeasible; the
    report states the status and the diagnosis, and has no charts."""
    data = hostile().model_dump(exclude_none=True)
    data["programs"][0]["min_units"] = 5
    scenario = scenario_from_data(data)
    page, result = build_report(scenario, Settings(), "en", generated_at=WHEN)
    assert result.status == "infeasible"
    assert "<svg" not in page
    assert "what would make one possible" in page
    assert "budget" in page.lower()


def test_render_takes_given_parts():
    """render_report shows exactly the summary it is given (escaped)."""
    scenario = hostile()
    result = solve(scenario, Settings())
    page = render_report(
        scenario,
        result,
        Settings(),
        "en",
        ReportParts(summary=["One <sentence> & more"], generated_at=WHEN),
    )
    assert "One &lt;sentence&gt; &amp; more" in page
    assert "No equity indicators" in page


def test_inline_svg_strips_namespaces_scripts_and_handlers():
    """The SVG is parsed: namespaces go, and so do scripts, foreign HTML, event handlers and
    links out; the drawing itself stays."""
    svg = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1"><g /></svg>'
    assert inline_svg(svg) == '<svg width="1"><g /></svg>'
    assert inline_svg("<svg><script>alert(1)</script><g /></svg>") == "<svg><g /></svg>"
    assert (
        inline_svg('<svg><rect onload="x()" width="2"/></svg>') == '<svg><rect width="2" /></svg>'
    )
    assert inline_svg("<svg><foreignObject><p>x</p></foreignObject></svg>") == "<svg />"
    linked = '<svg xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="http://x/y"/></svg>'
    assert inline_svg(linked) == "<svg><use /></svg>"
    assert inline_svg('<svg><rect fill="url(#a)" clip-path="url(http://x)"/></svg>') == (
        '<svg><rect fill="url(#a)" /></svg>'
    )


def test_inline_svg_keeps_text_that_looks_like_code():
    """A name drawn as text ('x onload=y', 'javascript:') is text: the old pattern filter
    matched it and dropped the whole chart without a word."""
    svg = "<svg><text>x onload=alert(1) javascript:void(0) &lt;script&gt;</text></svg>"
    assert inline_svg(svg) == svg


def test_unreadable_svg_is_said():
    """A chart that cannot be read as SVG is not shown, and the report says which."""
    scenario = hostile()
    result = solve(scenario, Settings())
    parts = ReportParts(charts_svg={"spend": "<svg><g></svg", "units": "<svg/>"}, generated_at=WHEN)
    page = render_report(scenario, result, Settings(), "en", parts)
    assert page.count("<svg") == 1
    assert "Spend by district and program" in page and "could not be included" in page


def test_names_that_look_like_handlers_keep_their_charts():
    """A district named 'x onload=alert(1)' and a program 'javascript:void(0)': all three
    charts are in the report (before, the filter dropped each chart that drew them)."""
    data = hostile().model_dump(exclude_none=True)
    data["districts"][0]["name"] = "x onload=alert(1)"
    data["programs"][0]["name"] = "javascript:void(0)"
    page, _ = build_report(scenario_from_data(data), Settings(), "en", generated_at=WHEN)
    assert page.count("<svg") == 3
    assert "x onload=alert(1)" in page
    assert external_references(page) == []


def test_a_chart_that_cannot_be_drawn_is_said(monkeypatch):
    """When vl-convert cannot draw a chart the report still comes, without that chart and
    with a sentence naming it."""
    from govdecide.io import exports

    real = exports.result_charts

    def with_a_bad_one(*args):
        charts = real(*args)
        charts["units"] = {"mark": {"type": "no-such-mark"}}
        return charts

    monkeypatch.setattr(exports, "result_charts", with_a_bad_one)
    page, _ = build_report(hostile(), Settings(), "zh", generated_at=WHEN)
    assert page.count("<svg") == 2
    assert "各区各项目新增数量" in page and "无法绘制" in page


def test_a_report_with_control_characters_in_names_is_written():
    """Names with every control character, U+FFFE/U+FFFF and a terminal escape: vl-convert
    panicked on them and took the process down, so this runs in a child, which must write
    the whole report (3 charts) with none of those characters left in it. The scenario is
    changed after validation, as if a check at the door had missed them."""
    bad = "".join(chr(c) for c in [*range(0, 32), 0x7F, 0x9B, 0xFFFE, 0xFFFF, 0x202E])
    code = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from tests.io.test_report import hostile
from govdecide.io.report import build_report
bad = {bad!r}
sc = hostile()
districts = [d.model_copy(update={{"name": "A" + bad}}) for d in sc.districts]
programs = [p.model_copy(update={{"name": bad + "P"}}) for p in sc.programs]
sc = sc.model_copy(update={{"districts": districts, "programs": programs, "name": bad}})
page, _ = build_report(sc, None, "en")
left = sorted({{hex(ord(c)) for c in page if c in bad and c != chr(10)}})
print(page.count("<svg"), left)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "3 []"


# Proper names and identifiers that stay as they are in a Chinese report.
LATIN_KEPT = {"HiGHS", "CBC", "govdecide", "UTC", "MODEL", "md", "Excel", "yaml", "riverton"}


def test_the_chinese_report_is_in_chinese():
    """Status, method, solver, units and every label of the Chinese report are Chinese
    (the footer said 'optimal', 'milp', 'highs', the sources table 'share'). Texts the
    scenario gives only in English (here its sources) and version strings are left out."""
    scenario = load_scenario(ROOT / "scenarios" / "riverton.yaml")
    page, _ = build_report(scenario, Settings(), "zh", source="riverton.yaml", generated_at=WHEN)
    body = re.sub(r"<svg.*?</svg>|<style>.*?</style>|<head>.*?</head>", "", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "\n", body))
    for given in [govdecide.MODEL_VERSION, govdecide.__version__]:
        text = text.replace(given, "")
    for ind in scenario.indicators:
        if ind.source is not None:
            text = text.replace(localize(ind.source, "zh"), "")
    words = set(re.findall(r"[A-Za-z]+", text)) - LATIN_KEPT
    assert words == set()


class _Rows(HTMLParser):
    """Cells per table row, per table, to check every row matches its header."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[int]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append(0)
        elif tag in ("td", "th"):
            self.tables[-1][-1] += 1


def test_every_table_row_matches_its_header(hostile_report):
    page, _ = hostile_report
    parser = _Rows()
    parser.feed(page)
    assert len(parser.tables) >= 4  # settings, equity, districts, new units
    for rows in parser.tables:
        assert len(set(rows)) == 1, rows
