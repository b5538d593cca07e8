"""The plain-language summary, checked on a two-district city small enough for paper.

Twoton: district Avon (population 1,000) and Brook (3,000); one program "clinic" with
capacity 100 people per unit, unit cost 10, continuous units, need = population. Brook
already has 10 units (serves 1,000 of its 3,000, coverage 1/3); Avon has none. Budget 100
buys 10 units in all.

* lambda = 1 (max-min): coverage Avon = x_A / 10, Brook = (10 + x_B) / 30 with
  x_A + x_B = 10; equal when 3 x_A = 20 - x_A, so x_A = 5, x_B = 5 and z = 0.5.
  E goes from 1,000 / 4,000 = 25% to (500 + 1,500) / 4,000 = 50%: 1,000 people newly
  served. The lower half by coverage today is Avon alone: it gets 50 of 100 spent (50%)
  and holds 1,000 / 4,000 = 25% of the people. With budget B, x_A = (10 + B/10) / 4 and
  z = (10 + B/10) / 40, so one more budget unit is worth 1/400 = 0.25 points of z.
* lambda = 0: every unit serves 100 people wherever it goes, so one more budget unit
  (a tenth of a unit) serves 10 more people, the shadow price is 10 / 4,000 = 0.0025 and
  0.0025 x 4,000 x 1 = 10 people.
"""

from __future__ import annotations

import pytest

from govdecide import Settings, solve
from govdecide.i18n import t
from govdecide.present.summary import (
    budget_step,
    budget_units,
    effective_weights,
    gap_text,
    lowest_half,
    marginal_text,
    marginal_value,
    name_list,
    points_change,
    resolved_gain,
    signed,
    spend_share,
    summarize,
)


def test_paper_figures_of_the_maxmin_solution(maxmin):
    assert maxmin.status == "optimal"
    units = maxmin.allocation.set_index("district")["new_units"]
    assert units["avon"] == pytest.approx(5)
    assert units["brook"] == pytest.approx(5)
    assert maxmin.equity == pytest.approx(0.5)
    assert maxmin.people_newly_served == pytest.approx(1000)


def test_who_gains(maxmin):
    assert lowest_half(maxmin) == ["avon"]
    assert spend_share(maxmin, ["avon"]) == pytest.approx(0.5)


def test_summary_sentences_in_english(twoton, maxmin):
    text = summarize(twoton, maxmin, "en")
    assert text[0] == (
        "This allocation serves 1,000 more people: the share of all need that is served "
        "rises from 25.0% to 50.0%."
    )
    assert any("(Avon) receive 50% of the new spending" in s and "25% of the population" in s
               for s in text)
    assert any(s.startswith("Avon gains most: its coverage goes from 0.0% to 50.0%") for s in text)
    assert "The budget limits the plan: all of it is spent." in text
    # lambda = 1: the marginal value is in points of the objective, not people
    assert any("raise the objective by about 0.250 percentage points" in s for s in text)


def test_summary_in_chinese_has_the_same_numbers(twoton, maxmin):
    text = summarize(twoton, maxmin, "zh")
    assert text[0] == "此分配新增服务 1,000 人：全部需求中得到服务的比例由 25.0% 提高到 50.0%。"
    assert any("艾文" in s and "50%" in s for s in text)


def test_marginal_value_in_points_when_equity_counts(twoton, maxmin):
    mv = marginal_value(maxmin, effective_weights(twoton, None), 1.0)
    assert mv is not None and mv.exact  # a pure LP: the shadow price is exact locally
    assert mv.points == pytest.approx(0.25)
    assert mv.people is None


def test_marginal_value_in_people_at_lambda_zero_matches_a_resolve(twoton):
    settings = Settings(equity_weight=0)
    now = solve(twoton, settings)
    more = solve(twoton, settings.with_(budget=101))
    mv = marginal_value(now, effective_weights(twoton, settings), budget_step(twoton, 100))
    assert budget_step(twoton, 100) == 1.0
    assert mv is not None and mv.people == pytest.approx(10)
    assert more.people_newly_served - now.people_newly_served == pytest.approx(10)
    assert resolved_gain(now, more) == pytest.approx(10)
    assert marginal_text(mv, "en") == "≈ 10 people"
    text = summarize(twoton, now, "en", settings, next_result=more)
    assert any("would serve +10 people compared with now" in s for s in text)


def test_unequal_weights_are_not_turned_into_people(twoton):
    """A weight other than the others' makes E a weighted share: no people claim."""
    two = twoton.model_copy(
        update={
            "programs": [
                twoton.programs[0],
                twoton.programs[0].model_copy(update={"id": "bus", "weight": 2.0}),
            ]
        }
    )
    result = solve(two, Settings(equity_weight=0))
    mv = marginal_value(result, effective_weights(two, None), 1.0)
    assert mv is not None and mv.people is None


def test_nothing_bought_and_no_summary_without_a_solution(twoton):
    zero = solve(twoton, Settings(budget=0))
    assert any("No new units are bought" in s for s in summarize(twoton, zero, "en"))
    infeasible = twoton.model_copy(
        update={
            "programs": [twoton.programs[0].model_copy(update={"min_units": 20})],
        }
    )
    result = solve(infeasible, Settings())
    assert result.status == "infeasible"
    assert summarize(infeasible, result, "en") == []


def test_helpers():
    assert name_list(["A", "B", "C", "D", "E", "F"], "en") == "A, B, C, D and 2 more"
    assert name_list(["甲", "乙"], "zh") == "甲、乙"
    assert signed(1404.2, "en") == "+1,404"
    assert signed(-200, "en") == "\u2212200"
    assert signed(0.2, "en") == "0"


def test_gap_and_change_in_words(twoton):
    """A gap of 0.8% reads 0.80%; one below 0.01% is stated as the true bound 0.01%;
    coverage from 25% to 50% is 25.0 points more."""
    assert gap_text(0.008, "en") == "0.80%"
    assert gap_text(0.05, "en") == "5.0%"
    assert gap_text(1e-7, "en") == "0.01%"
    assert points_change(0.5, 0.25, "en") == t("app.kpi.points", "en", points="+25.0")
    assert points_change(0.5, None, "en") is None
    assert budget_units(twoton, "zh") == "枚"
    no_currency = twoton.model_copy(update={"currency": None})
    assert budget_units(no_currency, "en") == t("app.ctl.budget_units", "en")
