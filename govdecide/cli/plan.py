"""The plan over several years on the command line (MODEL.md v1.1): its options, its output.

``plan FILE --years 5 [--budget-by-year a,b,c,d,e | --budget-growth G] [--discount-rate R]
[--no-growth]`` with the shared solve options always plans (a one-year plan too). The same
plan options are read by ``solve`` and ``report`` (:func:`add_plan_options`,
:func:`plan_for_solve`): they plan when a plan option is given or the scenario file itself
says ``policy.years`` above 1 (the plan the file describes, not its first year alone), and
``--years 1`` gives exactly the single-year output. Output: a table for a person (each
year's figures, what is commissioned when, the plan in sentences), JSON for a program (a
``years`` list of per-year figures and the allocation with a ``year`` column) or CSV of
the allocation by year. Exit codes as ``solve``: 0 a plan, 1 bad input, 2 infeasible
(with the diagnosis naming the year), 3 no plan found in the time allowed.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from typing import Any

from govdecide.cli.common import (
    Outputs,
    add_output_options,
    add_solve_options,
    clean_json,
    lang_from_argv,
    number_option,
    settings_from_args,
    text_table,
    write_outputs,
)
from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import fmt_money, fmt_pct, fmt_units, localize, t
from govdecide.io.exports import neutralise
from govdecide.io.scenario import Scenario, display_names, load_scenario
from govdecide.model.settings import Settings
from govdecide.model.years import PlanResult, PlanSettings, solve_plan
from govdecide.model.years.diagnosis import plan_diagnosis_text
from govdecide.present.plan_summary import plan_summary

MAX_SHOWN_ROWS = 100
PLAN_OPTIONS = ("years", "budget_by_year", "budget_growth", "discount_rate", "growth")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``plan`` to the command line."""
    lang = lang_from_argv(sys.argv[1:])
    p = subparsers.add_parser(
        "plan", help=t("cli.plan_help", lang), description=t("cli.plan_help", lang)
    )
    p.add_argument("file", metavar="FILE", help=t("cli.help_file", lang))
    add_plan_options(p, lang)
    add_solve_options(p, lang)
    add_output_options(p, lang)
    p.set_defaults(handler=cmd_plan)


def add_plan_options(parser: argparse.ArgumentParser, lang: str = "en") -> None:
    """The plan's option group, the one place ``plan``, ``solve`` and ``report`` get it.

    Every default is None (``--no-growth`` too), so that :func:`plan_asked` can tell an
    option given from one left out; numbers are read as text and checked in
    :func:`options_from_args`, every bad value reported at once.
    """
    group = parser.add_argument_group(t("cli.plan_group", lang))
    group.add_argument("--years", metavar="T", help=t("cli.plan_years", lang))
    group.add_argument(
        "--budget-by-year",
        dest="budget_by_year",
        metavar="B1,B2,...",
        help=t("cli.plan_budgets", lang),
    )
    group.add_argument(
        "--budget-growth", dest="budget_growth", metavar="G", help=t("cli.plan_budget_growth", lang)
    )
    group.add_argument(
        "--discount-rate", dest="discount_rate", metavar="R", help=t("cli.plan_discount", lang)
    )
    group.add_argument(
        "--no-growth",
        dest="growth",
        action="store_const",
        const=False,
        default=None,
        help=t("cli.plan_no_growth", lang),
    )


def plan_asked(args: argparse.Namespace) -> bool:
    """Whether any plan option was given on the command line."""
    return any(getattr(args, name, None) is not None for name in PLAN_OPTIONS)


def _years(text: str | None, problems: list[Problem]) -> int | None:
    """``--years`` as a whole number, or a problem in plain words."""
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        problems.append(Problem("--years", "cli_not_number", {"got": repr(text)}))
        return None


def plan_from_args(args: argparse.Namespace, problems: list[Problem]) -> PlanSettings:
    """The :class:`PlanSettings` the plan options describe; problems are added to
    ``problems`` (the caller raises them with the solve options' own, all at once)."""
    years = _years(getattr(args, "years", None), problems)
    budgets = None
    if getattr(args, "budget_by_year", None) is not None:
        parts = [
            number_option(v.strip(), "--budget-by-year", problems)
            for v in args.budget_by_year.split(",")
        ]
        budgets = tuple(v for v in parts if v is not None)
        if years is None and len(budgets) == len(parts):
            years = len(budgets)
    plan = PlanSettings(
        years=years,
        budget_by_year=budgets,
        budget_growth=number_option(
            getattr(args, "budget_growth", None), "--budget-growth", problems
        ),
        discount_rate=number_option(
            getattr(args, "discount_rate", None), "--discount-rate", problems
        ),
        growth=getattr(args, "growth", None) is not False,
    )
    try:
        plan.check()
    except ScenarioError as exc:
        problems.extend(exc.problems)
    return plan


def options_from_args(args: argparse.Namespace) -> tuple[Settings, PlanSettings]:
    """The solve options and the plan options, every bad value of both reported at once."""
    problems: list[Problem] = []
    settings = Settings()
    try:
        settings = settings_from_args(args)
    except ScenarioError as exc:
        problems.extend(exc.problems)
    plan = plan_from_args(args, problems)
    if problems:
        raise ScenarioError(problems)
    return settings, plan


def plan_for_solve(
    args: argparse.Namespace, scenario: Scenario
) -> tuple[Settings, PlanSettings | None]:
    """(settings, the plan to solve or None for the single-year solve) of ``solve``/``report``.

    A plan when a plan option is given or the file says ``policy.years`` above 1, unless
    the plan has one year: ``--years 1`` is the single-year solve, exactly (a one-number
    ``--budget-by-year`` is then its budget).
    """
    settings, plan = options_from_args(args)
    if not plan_asked(args) and scenario.policy.years <= 1:
        return settings, None
    years = plan.years if plan.years is not None else scenario.policy.years
    if years > 1:
        return settings, plan
    if plan.budget_by_year is not None:
        if len(plan.budget_by_year) != 1:
            got = {"got": len(plan.budget_by_year), "years": 1}
            raise ScenarioError([Problem("--budget-by-year", "yearly_length", got)])
        settings = settings.with_(budget=plan.budget_by_year[0])
    return settings, None


def cmd_plan(args: argparse.Namespace) -> int:
    """Load, solve the plan under the options, and print it in the chosen format."""
    scenario = load_scenario(args.file)
    settings, plan = options_from_args(args)
    return write_outputs(
        plan_outputs(solve_plan(scenario, settings, plan), scenario, args.lang), args
    )


def plan_outputs(result: PlanResult, scenario: Scenario, lang: str) -> Outputs:
    """A plan in each of the command line's formats (``plan``, and ``solve`` planning)."""
    names = display_names(scenario, lang)
    return Outputs(
        status=result.status,
        has_solution=result.has_solution,
        as_json=lambda: plan_json(result, scenario, lang),
        as_csv=lambda: plan_csv(result, names),
        as_table=lambda all_rows: plan_table(result, scenario, lang, all_rows),
        status_lines=lambda: _status_lines(result, lang, names),
    )


def plan_json(result: PlanResult, scenario: Scenario, lang: str = "en") -> dict[str, Any]:
    """``PlanResult.to_dict()`` with names, the status and the diagnosis in ``lang``."""
    data = result.to_dict()
    names = display_names(scenario, lang)
    data["scenario"] = localize(scenario.name, lang)
    data["status_text"] = result.status_text(lang)
    data["names"] = names
    data["summary"] = plan_summary(result, names, lang)
    if result.diagnosis is not None:
        data["diagnosis_text"] = plan_diagnosis_text(result.diagnosis, lang, names)
    return clean_json(data)


def plan_csv(result: PlanResult, names: dict[str, str]) -> str:
    """The allocation by year as CSV, ids and names both, text cells neutralised."""
    frame = result.allocation.copy()
    frame.insert(2, "district_name", [names.get(d, d) for d in frame["district"]])
    frame.insert(4, "program_name", [names.get(p, p) for p in frame["program"]])
    for col in ("district", "district_name", "program", "program_name"):
        frame[col] = frame[col].astype(str).map(neutralise)
    out = io.StringIO()
    frame.to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return out.getvalue()


def _status_lines(result: PlanResult, lang: str, names: dict[str, str]) -> str:
    """The status and, when infeasible, the ways out naming the year."""
    lines = [t("cli.status", lang, status=result.status_text(lang))]
    if result.status == "infeasible":
        text = plan_diagnosis_text(result.diagnosis, lang, names)
        lines.append(
            t("cli.diagnosis_intro", lang, text=text) if text else t("cli.diagnosis_none", lang)
        )
    return "\n".join(lines) + "\n"


def plan_table(
    result: PlanResult, scenario: Scenario, lang: str = "en", all_rows: bool = False
) -> str:
    """The plan for a person: status, each year's figures, the sentences, what is built."""
    names = display_names(scenario, lang)
    out = [t("cli.plan_title", lang, name=localize(scenario.name, lang), years=result.years)]
    out.append(_status_lines(result, lang, names).rstrip("\n"))
    if not result.has_solution:
        return "\n".join(out) + "\n"
    heads = [t(f"plan.col.{k}", lang) for k in (
        "year", "budget", "capital", "running", "staff_used", "efficiency", "equity",
    )]  # fmt: skip
    rows = [
        [str(int(y["year"])), fmt_money(y["budget"], lang), fmt_money(y["capital"], lang),
         fmt_money(y["running"], lang), fmt_units(y["staff_used"], lang),
         fmt_pct(y["efficiency"], lang), fmt_pct(y["equity"], lang)]
        for _, y in result.year_figures.iterrows()
    ]  # fmt: skip
    out += ["", *text_table(heads, rows), ""]
    out += plan_summary(result, names, lang)
    built = result.allocation[result.allocation["new_units"] > 1e-9]
    heads = [t(f"plan.col.{k}", lang) for k in ("year", "district", "program", "new_units")]
    rows = [
        [str(int(r["year"])), names.get(r["district"], r["district"]),
         names.get(r["program"], r["program"]), fmt_units(r["new_units"], lang)]
        for _, r in built.iterrows()
    ]  # fmt: skip
    shown = rows if all_rows else rows[:MAX_SHOWN_ROWS]
    out += ["", *text_table(heads, shown, right={0, 3})]
    if len(shown) < len(rows):
        out.append(t("cli.plan_rows_cut", lang, shown=len(shown), total=len(rows)))
    return "\n".join(out) + "\n"
