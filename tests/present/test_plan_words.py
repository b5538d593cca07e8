"""A plan over years in the workspace's tables: its settings and figures in words.

Budgets by year come from what the plan used (its figures ``budget_year_1``...), else
from the settings: a list, or one budget grown each year (1,000 growing 10%: 1,000,
1,100, 1,210); a plan with neither used the scenario's own and says so.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govdecide import Settings
from govdecide.io.report import with_decision_log
from govdecide.model.years import PlanSettings
from govdecide.present.workspace_tables import (
    decision_log_file_frame,
    decision_log_table,
    decision_log_text,
    options_table,
    plan_settings_text,
    plan_text,
)
from govdecide.store import Decision, SavedOption

WHEN = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
FIVE = PlanSettings(years=5, discount_rate=0.03)
FIGURES = {
    "years": 5.0, "efficiency": 0.5, "equity": 0.25, "people_newly_served": 900.0,
    "budget_total": 76000.0, "spend_total": 75500.0, "budget_year_1": 16000.0,
    "budget_year_2": 16000.0, "budget_year_3": 16000.0, "budget_year_4": 14000.0,
    "budget_year_5": 14000.0,
}  # fmt: skip


def _decision(plan: PlanSettings | None, figures: dict) -> Decision:
    return Decision(
        seq=1, recorded_at=WHEN, scenario_id="riverton", scenario_hash="a" * 64,
        settings=Settings(budget=16000.0), status="optimal", figures=figures,
        solver="highs", method="structured", versions={"govdecide": "0.1.0"}, note="",
        plan=plan,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("settings", "plan", "figures", "words"),
    [
        (Settings(budget=16000), FIVE, {}, "5-year plan, budget 16,000 each year, discount 3%"),
        (Settings(budget=1000), PlanSettings(years=3, budget_growth=0.1), {},
         "3-year plan, budgets 1,000 / 1,100 / 1,210"),
        (Settings(), PlanSettings(years=2, budget_by_year=(5.0, 7.5)), {},
         "2-year plan, budgets 5 / 7.50"),
        (Settings(), PlanSettings(years=2, growth=False), {},
         "2-year plan, budgets as in the scenario, need growth off"),
        (Settings(), FIVE, FIGURES,
         "5-year plan, budgets 16,000 / 16,000 / 16,000 / 14,000 / 14,000, discount 3%"),
        (Settings(), PlanSettings(years=5, running_share=0.1, need_growth=0.025), {},
         "5-year plan, budgets as in the scenario, running costs assumed at 10% of a unit's "
         "cost (illustrative), need assumed to grow 2.5% a year (illustrative)"),
    ],
)  # fmt: skip
def test_a_plans_settings_in_words(settings, plan, figures, words):
    assert plan_settings_text(settings, plan, figures, "en") == words


def test_in_chinese_and_none_for_a_single_year():
    words = plan_settings_text(Settings(), FIVE, FIGURES, "zh")
    assert words == "5 年规划，各年预算 16,000 / 16,000 / 16,000 / 14,000 / 14,000，贴现率 3%"
    assert plan_settings_text(Settings(), None, FIGURES, "en") == ""


def test_a_plan_decision_says_its_plan_and_its_figures_are_its_last_years():
    decision = _decision(FIVE, FIGURES)
    assert plan_text(decision, "en") == (
        "5-year plan, budgets 16,000 / 16,000 / 16,000 / 14,000 / 14,000, discount 3%; "
        "spent 75,500 of 76,000 over the 5 years; E, z and people are year 5's"
    )
    row = decision_log_table([decision], "en").iloc[0]
    assert row["Plan over years"] == plan_text(decision, "en")
    assert row["Need served (E) (%)"] == 50.0
    assert row["Budget"] != row["Budget"]  # NaN: no single year's budget for a plan
    headings, rows = decision_log_text([decision], "zh")
    assert dict(zip(headings, rows[0]))["多年规划"][0].startswith("5 年规划")
    frame = decision_log_file_frame([decision], "en")
    assert frame.loc[0, "plan"] == plan_text(decision, "en")
    assert frame.loc[0, "plan.years"] == 5


def test_a_table_without_a_plan_has_no_plan_column():
    single = _decision(None, {"efficiency": 0.5})
    assert "Plan over years" not in decision_log_table([single], "en").columns
    assert "Plan over years" not in decision_log_text([single], "en")[0]
    assert "plan" not in decision_log_file_frame([single], "en").columns
    option = SavedOption(
        id=1, name="A", scenario_id="riverton", scenario_hash="a" * 64, settings=Settings(),
        figures={}, saved_at=WHEN,
    )  # fmt: skip
    assert "Plan over years" not in options_table([option], "en").columns
    planned = SavedOption(**{**option.__dict__, "id": 2, "plan": FIVE, "figures": FIGURES})
    column = options_table([option, planned], "en")["Plan over years"]
    assert list(column.str.startswith("5-year plan")) == [False, True]


def test_the_reports_log_says_the_plan_in_words():
    """The HTML report's decision-log section lists each entry's plan in its own column
    (escaped as every cell is)."""
    page = with_decision_log("<html><body>\n</body>", [_decision(FIVE, FIGURES)], "en")
    assert "<th>Status</th><th>Plan over years</th>" in page
    assert "5-year plan, budgets 16,000 / 16,000 / 16,000 / 14,000 / 14,000, discount 3%" in page
    assert "E, z and people are year 5&#x27;s</td>" in page
