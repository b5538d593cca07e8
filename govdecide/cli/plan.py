"""The ``plan`` subcommand: a plan over several years (MODEL.md v1.1).

``plan FILE --years 5 [--budget-by-year a,b,c,d,e | --budget-growth G] [--discount-rate R]
[--no-growth]`` with the shared solve options. Output: a table for a person (each year's
figures, what is commissioned when, the plan in sentences), JSON for a program (a
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
    add_solve_options,
    clean_json,
    dump_json,
    lang_from_argv,
    settings_from_args,
    status_exit_code,
    text_table,
)
from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import fmt_money, fmt_pct, fmt_units, localize, t
from govdecide.io.exports import neutralise
from govdecide.io.scenario import Scenario, display_names, load_scenario
from govdecide.model.years import PlanResult, PlanSettings, solve_plan
from govdecide.model.years.diagnosis import plan_diagnosis_text
from govdecide.present.plan_summary import plan_summary

FORMATS = ("table", "json", "csv")
MAX_SHOWN_ROWS = 100


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``plan`` to the command line."""
    lang = lang_from_argv(sys.argv[1:])
    p = subparsers.add_parser(
        "plan", help=t("cli.plan_help", lang), description=t("cli.plan_help", lang)
    )
    p.add_argument("file", metavar="FILE", help=t("cli.help_file", lang))
    group = p.add_argument_group(t("cli.plan_group", lang))
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
        "--no-growth", dest="growth", action="store_false", help=t("cli.plan_no_growth", lang)
    )
    add_solve_options(p, lang)
    p.add_argument("--format", choices=FORMATS, default="table", help=t("cli.help_format", lang))
    p.add_argument("--all-rows", action="store_true", help=t("cli.help_all_rows", lang))
    p.set_defaults(handler=cmd_plan)


def _float(text: str | None, flag: str, problems: list[Problem]) -> float | None:
    """A number from an option's text, or a problem in plain words."""
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        problems.append(Problem(flag, "cli_not_number", {"got": repr(text)}))
        return None


def plan_from_args(args: argparse.Namespace) -> PlanSettings:
    """The :class:`PlanSettings` the plan options describe; bad values raise ScenarioError."""
    problems: list[Problem] = []
    years = None
    if args.years is not None:
        try:
            years = int(args.years)
        except ValueError:
            problems.append(Problem("--years", "cli_not_number", {"got": repr(args.years)}))
    budgets = None
    if args.budget_by_year is not None:
        parts = [
            _float(v.strip(), "--budget-by-year", problems) for v in args.budget_by_year.split(",")
        ]
        budgets = tuple(v for v in parts if v is not None)
        if years is None and not problems:
            years = len(budgets)
    plan = PlanSettings(
        years=years,
        budget_by_year=budgets,
        budget_growth=_float(args.budget_growth, "--budget-growth", problems),
        discount_rate=_float(args.discount_rate, "--discount-rate", problems),
        growth=bool(args.growth),
    )
    if problems:
        raise ScenarioError(problems)
    plan.check()
    return plan


def cmd_plan(args: argparse.Namespace) -> int:
    """Load, solve the plan under the options, and print it in the chosen format."""
    lang = args.lang
    scenario = load_scenario(args.file)
    result = solve_plan(scenario, settings_from_args(args), plan_from_args(args))
    names = display_names(scenario, lang)
    if args.format == "json":
        dump_json(plan_json(result, scenario, lang))
    elif args.format == "csv":
        sys.stdout.write(plan_csv(result, names))
        if not result.has_solution:
            sys.stderr.write(_status_lines(result, lang, names))
    else:
        sys.stdout.write(plan_table(result, scenario, lang, all_rows=args.all_rows))
    return status_exit_code(result.status)


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
