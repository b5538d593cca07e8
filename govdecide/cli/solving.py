"""The engine's subcommands: ``validate`` scenario files and ``solve`` one.

``validate FILE...`` checks every file and prints every problem of every file (exit 1 when
any file is bad). ``solve FILE`` prints the result as a table for a person, JSON for a
program, or CSV of the allocation for a spreadsheet. With a plan option (``--years 5``,
``--budget-by-year ...``; :func:`govdecide.cli.plan.add_plan_options`), or a scenario file
whose ``policy.years`` is above 1, it plans over the years and prints the plan as ``plan``
does; ``--years 1`` gives the single-year result, exactly. Exit codes (see
:mod:`govdecide.cli.common`): 0 an allocation exists, 1 bad input, 2 infeasible (with the
diagnosis), 3 no allocation for another reason (stopped before finding one, solver error).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from typing import Any

from govdecide.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    Outputs,
    add_output_options,
    add_solve_options,
    clean_json,
    lang_from_argv,
    text_table,
    write_outputs,
)
from govdecide.cli.plan import add_plan_options, plan_for_solve, plan_outputs
from govdecide.errors import ScenarioError
from govdecide.i18n import localize, t
from govdecide.io.exports import fmt_quantity as num
from govdecide.io.exports import neutralise
from govdecide.io.scenario import Scenario, display_names, load_scenario
from govdecide.model.diagnosis import diagnosis_text
from govdecide.model.engine import solve
from govdecide.model.result import Binding, Result
from govdecide.model.years import solve_plan

MAX_SHOWN_ROWS = 100  # rows of a table shown to a person unless --all-rows


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``validate`` and ``solve`` to the command line."""
    lang = lang_from_argv(sys.argv[1:])
    p_val = subparsers.add_parser(
        "validate", help=t("cli.validate_help", lang), description=t("cli.validate_help", lang)
    )
    p_val.add_argument("files", nargs="+", metavar="FILE", help=t("cli.help_files", lang))
    p_val.set_defaults(handler=cmd_validate)

    p_solve = subparsers.add_parser(
        "solve", help=t("cli.solve_help", lang), description=t("cli.solve_help", lang)
    )
    p_solve.add_argument("file", metavar="FILE", help=t("cli.help_file", lang))
    add_solve_options(p_solve, lang)
    add_plan_options(p_solve, lang)
    add_output_options(p_solve, lang)
    p_solve.set_defaults(handler=cmd_solve)


# ---------------------------------------------------------------------------------------
# validate


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every file; report all problems of all files, not just the first bad file."""
    lang = args.lang
    bad = 0
    for path in args.files:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            bad += 1
            sys.stderr.write(exc.messages_text(lang) + "\n")
            continue
        sys.stdout.write(
            t(
                "cli.valid",
                lang,
                file=path,
                name=localize(scenario.name, lang),
                districts=num(len(scenario.districts), "count", lang),
                programs=num(len(scenario.programs), "count", lang),
            )
            + "\n"
        )
    if bad:
        sys.stderr.write(t("cli.invalid_count", lang, bad=bad, total=len(args.files)) + "\n")
        return EXIT_BAD_INPUT
    return EXIT_OK


# ---------------------------------------------------------------------------------------
# solve


def cmd_solve(args: argparse.Namespace) -> int:
    """Load, solve (or plan, see the module) under the options, print in the chosen format."""
    lang = args.lang
    scenario = load_scenario(args.file)
    settings, plan = plan_for_solve(args, scenario)
    if plan is not None:
        return write_outputs(
            plan_outputs(solve_plan(scenario, settings, plan), scenario, lang), args
        )
    return write_outputs(result_outputs(solve(scenario, settings), scenario, lang), args)


def result_outputs(result: Result, scenario: Scenario, lang: str) -> Outputs:
    """A single-year result in each of the command line's formats."""
    names = display_names(scenario, lang)
    return Outputs(
        status=result.status,
        has_solution=result.has_solution,
        as_json=lambda: result_json(result, scenario, lang),
        as_csv=lambda: result_csv(result, names),
        as_table=lambda all_rows: result_table(result, scenario, lang, all_rows),
        status_lines=lambda: _status_and_diagnosis(result, lang, names),
    )


def result_json(result: Result, scenario: Scenario, lang: str = "en") -> dict[str, Any]:
    """``Result.to_dict()`` plus names and the texts in ``lang`` (status, diagnosis)."""
    data = result.to_dict()
    names = display_names(scenario, lang)
    data["scenario"] = localize(scenario.name, lang)
    data["status_text"] = result.status_text(lang)
    data["names"] = names
    if result.diagnosis is not None and data.get("diagnosis") is not None:
        data["diagnosis"]["sentences"] = result.diagnosis_sentences(lang, names)
        data["diagnosis"]["text"] = diagnosis_text(result.diagnosis, lang, names)
    return clean_json(data)


def result_csv(result: Result, names: dict[str, str]) -> str:
    """The allocation as CSV, one row per district and program, ids and names both.

    Text cells are neutralised as in every download (:func:`govdecide.io.exports.neutralise`),
    so a district named ``=SUM(...)`` stays text in a spreadsheet; numbers are written as
    pandas writes them, unrounded, for a program to read.
    """
    frame = result.allocation.copy()
    frame.insert(1, "district_name", [names.get(d, d) for d in frame["district"]])
    frame.insert(3, "program_name", [names.get(p, p) for p in frame["program"]])
    for col in ("district", "district_name", "program", "program_name"):
        frame[col] = frame[col].astype(str).map(neutralise)
    out = io.StringIO()
    frame.to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return out.getvalue()


def binding_text(b: Binding, lang: str, names: dict[str, str]) -> str:
    """One binding constraint in words: 'the budget (6,000)'; amounts of money by the money
    rule, staff and units by the units rule."""
    kind = "money" if b.family in ("budget", "spend_min", "spend_max") else "units"
    value = "" if b.value is None else num(b.value, kind, lang)
    return t(
        f"cli.binding.{b.family}",
        lang,
        value=value,
        district=names.get(b.district or "", b.district or ""),
        program=names.get(b.program or "", b.program or ""),
    )


def _status_and_diagnosis(result: Result, lang: str, names: dict[str, str]) -> str:
    """The status line and, when infeasible, the ways out in one sentence, for a person."""
    lines = [t("cli.status", lang, status=result.status_text(lang))]
    if result.status == "infeasible":
        text = diagnosis_text(result.diagnosis, lang, names)
        if text:
            lines.append(t("cli.diagnosis_intro", lang, text=text))
        else:
            lines.append(t("cli.diagnosis_none", lang))
    return "\n".join(lines) + "\n"


def _marginal_text(result: Result, lang: str, currency: str) -> str:
    """The marginal value of the budget, with the basis it was computed on.

    The dual is in objective points per budget unit, a tiny number (5.95e-07) nobody can
    weigh; the value of 1% more budget, in percentage points of the objective, is said.
    """
    if result.budget_marginal_value is None:
        return t("cli.marginal_unknown", lang)
    chunk = result.budget * 0.01
    return t(
        "cli.marginal",
        lang,
        currency=currency,
        chunk=num(chunk, "money", lang),
        points=num(result.budget_marginal_value * chunk * 100, "rate", lang),
        basis=result.marginal_basis_text(lang),
    )


def result_table(
    result: Result, scenario: Scenario, lang: str = "en", all_rows: bool = False
) -> str:
    """The result for a person: headline figures, new units, districts, binding limits.

    Without ``all_rows`` each long table is cut to :data:`MAX_SHOWN_ROWS` rows and says so: a
    terminal is read by a person, while ``--format csv`` or ``json`` keep every row.
    """
    names = display_names(scenario, lang)
    lines = [localize(scenario.name, lang), ""]
    if not result.has_solution:
        return "\n".join(lines) + "\n" + _status_and_diagnosis(result, lang, names)
    currency = localize(scenario.currency, lang) if scenario.currency else ""
    lines += _headline_lines(result, lang, currency)
    lines += _new_units_lines(result, lang, names, all_rows)
    lines += _district_lines(result, lang, names, all_rows)
    lines += _binding_lines(result, lang, names, all_rows)
    return "\n".join(lines) + "\n"


def _headline_lines(result: Result, lang: str, currency: str) -> list[str]:
    """Status, solver, objective, E and Z before/after, spend, staff, people, marginal value:
    the figures a person reads first, one per line."""
    unit = f" {currency}" if currency else ""
    if result.staff is None:
        staff = t("cli.staff_nolimit", lang, used=num(result.staff_used, "units", lang))
    else:
        staff = t(
            "cli.staff",
            lang,
            used=num(result.staff_used, "units", lang),
            staff=num(result.staff, "units", lang),
        )
    return [
        t("cli.status", lang, status=result.status_text(lang)),
        t("cli.solved_with", lang, solver=result.solver, method=result.method),
        "",
        t(
            "cli.objective",
            lang,
            objective=num(result.objective, "score", lang),
            lam=num(result.equity_weight, "weight", lang),
        ),
        t(
            "cli.efficiency",
            lang,
            before=num(result.efficiency_before, "share", lang),
            after=num(result.efficiency, "share", lang),
        ),
        t(
            "cli.equity",
            lang,
            before=num(result.equity_before, "share", lang),
            after=num(result.equity, "share", lang),
        ),
        t(
            "cli.spend",
            lang,
            used=num(result.budget_used, "money", lang),
            budget=num(result.budget, "money", lang),
            unit=unit,
        ),
        staff,
        t("cli.newly_served", lang, people=num(result.people_newly_served, "people", lang)),
        _marginal_text(result, lang, currency or t("cli.budget_unit", lang)),
    ]


def _header(columns: tuple[str, ...], lang: str) -> list[str]:
    """Column headings of a terminal table, from the ``cli.col.*`` catalogue keys."""
    return [t(f"cli.col.{c}", lang) for c in columns]


def _new_units_lines(result: Result, lang: str, names: dict[str, str], all_rows: bool) -> list[str]:
    """The district-program pairs that get new units (every pair with ``all_rows``)."""
    alloc = result.allocation
    shown = alloc if all_rows else alloc[alloc["new_units"] > 1e-6]
    hidden = 0
    if not all_rows and len(shown) > MAX_SHOWN_ROWS:
        hidden, shown = len(shown) - MAX_SHOWN_ROWS, shown.head(MAX_SHOWN_ROWS)
    lines = ["", t("cli.new_units_title", lang)]
    if shown.empty:
        return [*lines, "  " + t("cli.no_new_units", lang)]
    rows = [
        [
            names.get(r.district, r.district),
            names.get(r.program, r.program),
            num(r.new_units, "units", lang),
            num(r.need, "people", lang),
            num(r.coverage_before, "share", lang),
            num(r.coverage_after, "share", lang),
            num(r.spend, "money", lang),
        ]
        for r in shown.itertuples(index=False)
    ]
    columns = (
        "district",
        "program",
        "new_units",
        "need",
        "coverage_before",
        "coverage_after",
        "spend",
    )
    lines += text_table(_header(columns, lang), rows, {2, 3, 4, 5, 6})
    if hidden:
        lines.append(t("cli.more_rows", lang, n=num(hidden, "count", lang)))
    return lines


def _district_lines(result: Result, lang: str, names: dict[str, str], all_rows: bool) -> list[str]:
    """Every district's coverage before and after; past :data:`MAX_SHOWN_ROWS` the worst
    served, because a person cannot read 3,000 districts but must see who is left behind."""
    districts = result.districts
    title = t("cli.districts_title", lang)
    if not all_rows and len(districts) > MAX_SHOWN_ROWS:
        districts = districts.sort_values("coverage_after", kind="stable").head(MAX_SHOWN_ROWS)
        total = num(len(result.districts), "count", lang)
        title = t("cli.districts_worst", lang, n=num(MAX_SHOWN_ROWS, "count", lang), total=total)
    rows = [
        [
            names.get(r.district, r.district),
            num(r.population, "people", lang),
            num(r.coverage_before, "share", lang),
            num(r.coverage_after, "share", lang),
            num(r.newly_served, "people", lang),
            num(r.spend, "money", lang),
        ]
        for r in districts.itertuples(index=False)
    ]
    columns = (
        "district",
        "population",
        "wcoverage_before",
        "wcoverage_after",
        "newly_served",
        "spend",
    )
    return ["", title, *text_table(_header(columns, lang), rows, {1, 2, 3, 4, 5})]


def _binding_lines(result: Result, lang: str, names: dict[str, str], all_rows: bool) -> list[str]:
    """The limits that hold the result back, in words (the first :data:`MAX_SHOWN_ROWS`)."""
    lines = ["", t("cli.binding_title", lang)]
    if not result.binding:
        return [*lines, "  " + t("cli.binding_none", lang)]
    binding = result.binding if all_rows else result.binding[:MAX_SHOWN_ROWS]
    lines += ["  - " + binding_text(b, lang, names) for b in binding]
    if len(binding) < len(result.binding):
        more = num(len(result.binding) - len(binding), "count", lang)
        lines.append(t("cli.more_binding", lang, n=more))
    return lines
