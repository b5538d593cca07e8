"""Fuzzing the plan's command-line options (``--years``, ``--budget-by-year``,
``--budget-growth``, ``--discount-rate``): whatever text they hold, they give settings a
plan can use or the project's own problems, each named by its flag, in English and
Chinese; never another exception."""

from __future__ import annotations

import argparse

from hypothesis import given
from hypothesis import strategies as st

from govdecide.cli.plan import plan_from_args
from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import LANGS

FLAGS = {"--years", "--budget-by-year", "--budget-growth", "--discount-rate", "--no-growth"}
NUMBERISH = st.sampled_from(["5", "0", "-1", "1e400", "nan", "inf", "2.5", "", " ", "1,2"])
TEXT = st.none() | NUMBERISH | st.text(max_size=30)
LISTS = st.none() | st.lists(NUMBERISH | st.text(max_size=8), max_size=25).map(",".join)


@given(years=TEXT, budgets=LISTS, growth=TEXT, rate=TEXT, no_growth=st.sampled_from([None, False]))
def test_any_plan_option_text_is_a_plan_or_problems_named_by_flag(
    years: str | None, budgets: str | None, growth: str | None, rate: str | None, no_growth
) -> None:
    args = argparse.Namespace(
        years=years, budget_by_year=budgets, budget_growth=growth, discount_rate=rate,
        growth=no_growth,
    )  # fmt: skip
    problems: list[Problem] = []
    plan = plan_from_args(args, problems)
    if not problems:
        plan.check()  # usable as it is
        return
    error = ScenarioError(problems)
    for lang in LANGS:
        text = error.messages_text(lang)
        assert text.strip()
    for problem in problems:
        known = problem.path in FLAGS or problem.path.split(".")[0] in {
            "years", "budget_by_year", "budget_growth", "discount_rate", "growth",
        }  # fmt: skip
        assert known, problem
