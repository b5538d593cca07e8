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
from govdecide.i18n import (
    PEOPLE,
    SHARE,
    UNITS,
    fmt_gap,
    fmt_money,
    fmt_people,
    fmt_share,
    fmt_units,
    fmt_value,
    round_for_table,
    t,
)
from govdecide.present.summary import (
    basis_text,
    budget_step,
    budget_units,
    effective_weights,
    extra_budget,
    extra_budget_sentence,
    extra_budget_tile,
    lowest_half,
    marginal_sentences,
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
    assert any(
        "(Avon) receive 50% of the new spending" in s and "25% of the population" in s for s in text
    )
    assert any(s.startswith("Avon gains most: its coverage goes from 0.0% to 50.0%") for s in text)
    assert "The budget limits the plan: all of it is spent." in text
    # lambda = 1: the marginal value is in points of the objective, not people
    assert any("would rise by about 0.250 percentage points" in s for s in text)


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
    assert fmt_gap(0.008, "en") == "0.80%"
    assert fmt_gap(0.05, "en") == "5.0%"
    assert fmt_gap(1e-7, "en") == "0.01%"
    assert points_change(0.5, 0.25, "en") == t("app.kpi.points", "en", points="+25.0")
    assert points_change(0.5, None, "en") is None
    assert budget_units(twoton, "zh") == "枚"
    no_currency = twoton.model_copy(update={"currency": None})
    assert budget_units(no_currency, "en") == t("app.ctl.budget_units", "en")


# ---------------------------------------------------------------------------------------
# issue 11: what more budget buys, one builder for every page, in words and consistent

JARGON = ("shadow", "dual", "relaxation", "Lagrange", "multiplier", "对偶", "松弛", "拉格朗日")


def test_extra_budget_is_said_without_jargon_in_both_languages(twoton, maxmin):
    """lambda = 1, pure LP: 1 more coin raises z by 0.25 points (module doc); the sentence
    says so in plain words, in both languages, with no solver vocabulary."""
    extra = extra_budget(twoton, maxmin)
    assert extra is not None and extra.helps and extra.people is None
    assert extra.points == pytest.approx(0.25)
    for lang in ("en", "zh"):
        sentence = extra_budget_sentence(twoton, extra, lang)
        assert "0.250" in sentence
        assert not any(word in sentence for word in JARGON), sentence
        for text in summarize(twoton, maxmin, lang):
            assert not any(word in text for word in JARGON), text
        label, value, help_text = extra_budget_tile(twoton, maxmin, extra, lang)
        assert not any(word in help_text for word in JARGON), help_text
        assert value == marginal_text(marginal_value(maxmin, {"clinic": 1.0}, 1.0), lang)
    assert basis_text(marginal_value(maxmin, effective_weights(twoton, None), 1.0), "en") == (
        t("sum.basis.lp", "en")
    )


def test_present_and_allocate_say_the_same_about_extra_budget(twoton):
    """The summary's last sentence (what the Present page shows) is the builder's sentence
    (what the Allocate page shows under its tile), re-solved or estimated alike: at
    lambda = 0 one more coin serves 10 more people (module doc)."""
    settings = Settings(equity_weight=0)
    now = solve(twoton, settings)
    more = solve(twoton, settings.with_(budget=101))
    for next_result in (None, more):
        extra = extra_budget(twoton, now, settings, next_result)
        assert extra is not None and extra.people == pytest.approx(10)
        full = summarize(twoton, now, "en", settings, next_result=next_result)
        assert full[-1] == extra_budget_sentence(twoton, extra, "en")
        assert marginal_sentences(twoton, now, "en", settings, next_result) == [full[-1]]
        assert "10 more people" in full[-1] or "+10 people" in full[-1]


def test_money_left_is_not_called_slack_when_more_budget_would_help(twoton):
    """The 3,000-district region said "the budget does not limit the plan" beside a tile
    that priced extra budget: a plan within 0.87% of the best, 5 coins unspent. Words must
    agree: the money left is not spent by a plan that is not proven best, and more budget
    still helps (its value is positive)."""
    from dataclasses import replace

    settings = Settings(equity_weight=0)
    now = solve(twoton, settings)
    unproven = replace(
        now, budget=105.0, gap=0.0087, bound=now.objective / (1 - 0.0087), binding=()
    )
    text = summarize(twoton, unproven, "en", settings)
    assert not any("does not limit the plan" in s for s in text), text
    assert any("5 of the budget of 105 is not spent" in s and "0.87%" in s for s in text), text
    assert "10 more people" in text[-1]


def test_money_left_by_a_proven_optimum_is_slack(twoton):
    """Proven best (gap 0) with money left and nothing more budget buys: the budget does
    not limit the plan (a cap of 3 clinics in each district stops it)."""
    capped = twoton.model_copy(
        update={"programs": [twoton.programs[0].model_copy(update={"max_units": 3})]}
    )
    result = solve(capped, Settings(equity_weight=0))
    assert result.status == "optimal" and result.gap == 0
    text = summarize(capped, result, "en", Settings(equity_weight=0))
    assert any("The budget does not limit the plan: 40 of 100 is left" in s for s in text), text
    assert "More budget alone would not improve this plan" in text[-1]


def test_one_formatting_rule_per_kind():
    """People whole, money with cents only when it has them, units with two decimals at
    most, shares in percent with one decimal unless that shows a nonzero share as 0.0%."""
    assert fmt_people(127_589.22) == "127,589"
    assert fmt_money(1_200_000.0) == "1,200,000" and fmt_money(27_976.04) == "27,976.04"
    assert fmt_units(144.0888) == "144.09" and fmt_units(12.0) == "12" and fmt_units(0.5) == "0.5"
    assert fmt_share(0.995) == "99.5%" and fmt_share(0.0) == "0.0%"
    assert fmt_share(0.00034) == "0.034%"
    assert round_for_table(127_589.22, PEOPLE) == 127_589
    assert round_for_table(0.995, SHARE) == 99.5
    assert round_for_table(144.0888, UNITS) == 144.09
    assert fmt_value(1e-300) == "1e-300" and fmt_value(1_250_000) == "1,250,000"
