"""A plan over years as files: the report's plan section and the plan's workbook.

The hostile town on paper: two districts of 100 people, one named as markup, one as a
spreadsheet formula; a station serves 100 for 10 and costs 5 a year to run; 10 to spend
each year, 2 years. Year 1 builds one station (10); year 2 has 10 - 5 = 5 left, less
than a station, so nothing more is built: 1 station in all, by year 1.
"""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from govdecide.i18n import localize, t
from govdecide.io.plan_export import plan_sheets, plan_workbook
from govdecide.io.plan_report import build_plan_report
from govdecide.io.scenario import scenario_from_data
from govdecide.model.settings import Settings
from govdecide.model.years import PlanSettings, solve_plan

EVIL = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("https://evil.example","click")'
WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def h(key: str, lang: str, **fmt: object) -> str:
    """A catalogue text as the report writes it (escaped, quotes too)."""
    return html.escape(t(key, lang, **fmt), quote=True)


def hostile(budget: float = 10, min_units: int = 0):
    return scenario_from_data(
        {
            "format": "govdecide/v1",
            "name": {"en": "Hostile <b>town</b>", "zh": "恶意<b>镇</b>"},
            "districts": [
                {"id": "a", "name": EVIL, "population": 100},
                {"id": "b", "name": FORMULA, "population": 100},
            ],
            "programs": [
                {
                    "id": "station",
                    "name": "@station",
                    "unit_cost": 10,
                    "capacity": 100,
                    "integer": True,
                    "running_cost": 5,
                    "min_units": min_units,
                    "need": {"indicator": "population"},
                }
            ],
            "policy": {"budget": budget, "years": 2, "equity_weight": 0.0},
        }
    )


PLAN = PlanSettings(years=2, discount_rate=0.05)


@pytest.fixture(scope="module")
def planned():
    scenario = hostile()
    return scenario, solve_plan(scenario, Settings(gap=0.0), PLAN)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_has_the_plan_section_with_user_text_escaped(planned, lang):
    scenario, result = planned
    assert result.status == "optimal" and float(result.allocation["new_units"].sum()) == 1
    page, _ = build_plan_report(
        scenario, Settings(gap=0.0), PLAN, lang, result=result, generated_at=WHEN
    )
    for key in ("plan.rep.h_status", "plan.rep.h_summary", "plan.rep.h_years", "plan.rep.h_built"):
        assert f"<h2>{h(key, lang)}</h2>" in page, key
    assert f"<h2>{h('plan.rep.h_plan', lang, years=2)}</h2>" in page
    assert h("plan.rep.h_coverage", lang) in page and h("plan.exp.discount", lang) in page
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>" not in page and html.escape(localize(scenario.name, lang)) in page
    assert h("plan.col.year_n", lang, year=2) in page  # the district x year table
    # the single-year figures and allocation are not shown for a plan
    assert h("io.rep.h_figures", lang) not in page and h("io.rep.h_allocation", lang) not in page


def test_report_draws_the_four_plan_charts_as_svg(planned):
    scenario, result = planned
    page, _ = build_plan_report(scenario, Settings(gap=0.0), PLAN, "en", result=result)
    figures = re.findall(r"<figure>(<svg.*?</svg>)</figure>", page, flags=re.S)
    assert len(figures) == 4
    for svg in figures:
        assert re.search(r"<(path|rect|line)\b", svg), svg[:200]
        assert "<script" not in svg and "onload" not in svg.lower()
    assert h("plan.chart.commissioned", "en") in page


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_infeasible_plan_report_says_why_naming_the_year(lang):
    """At least 2 stations over the plan: year 1's 10 pays for one, year 2's 10 less its
    running cost 5 leaves 5, short of a second station's 10."""
    scenario = hostile(budget=10, min_units=2)
    page, result = build_plan_report(scenario, Settings(), PLAN, lang)
    assert result.status == "infeasible"
    assert h("plan.rep.h_diagnosis", lang) in page
    assert h("plan.rep.h_years", lang) not in page


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_workbook_has_a_sheet_per_view_named_in_the_language(planned, lang):
    scenario, result = planned
    book = load_workbook(io.BytesIO(plan_workbook(result, scenario, PLAN, lang)))
    keys = ("summary", "years", "built", "coverage", "budget", "allocation")
    assert book.sheetnames == [t(f"plan.exp.sheet.{k}", lang) for k in keys]
    years = book[t("plan.exp.sheet.years", lang)]
    headers = [c.value for c in years[1]]
    assert t("plan.col.running", lang) in headers and t("plan.col.year", lang) in headers
    running = headers.index(t("plan.col.running", lang))
    assert [row[running].value for row in years.iter_rows(min_row=2)] == [0, 5]
    # numbers stay numbers, shown by their kind's rule: whole money, shares in percent
    assert {row[running].number_format for row in years.iter_rows(min_row=2)} == {"#,##0"}
    share = headers.index(t("plan.col.efficiency", lang))
    assert years.cell(row=2, column=share + 1).number_format == "0.0"


def test_workbook_neutralises_formula_names(planned):
    scenario, result = planned
    book = load_workbook(io.BytesIO(plan_workbook(result, scenario, PLAN, "en")))
    texts = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert not [c.value for c in texts if c.value.lstrip().startswith(("=", "+", "-", "@"))]
    names = [c for c in texts if c.value == "'" + FORMULA]
    assert len(names) >= 3 and all(c.data_type == "s" for c in names)  # coverage, by year
    assert any(c.value == "'@station" for c in texts)


def test_summary_sheet_gives_settings_and_sentences(planned):
    scenario, result = planned
    summary = plan_sheets(result, scenario, PLAN, "en")[t("plan.exp.sheet.summary", "en")]
    items = dict(zip(summary.iloc[:, 0], summary.iloc[:, 1]))
    assert items[t("plan.exp.years", "en")] == "2"
    assert items[t("plan.exp.budgets", "en")] == "10; 10"
    assert items[t("plan.exp.discount", "en")] == "5.0%"
    sentences = summary[summary.iloc[:, 0] == t("plan.exp.summary", "en")].iloc[:, 1].tolist()
    assert sentences[0].startswith("In year 1 build @station: 1")
