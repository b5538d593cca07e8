"""Data in and out on the command line: ``report`` and ``import-table``.

``python -m govdecide report FILE [solve options] [--lang en|zh] --out report.html`` solves
a scenario and writes the self-contained HTML report (and, with ``--xlsx``, the workbook).
With the plan options of ``solve`` (``--years 5 --budget-by-year ...``; or a scenario file
whose ``policy.years`` is above 1) the report and the workbook are of the plan over the
years (:mod:`govdecide.io.plan_report`, :mod:`govdecide.io.plan_export`).
The report is written for an infeasible scenario too, because "why is there no
allocation" is worth filing; the exit code still says so (0 result, 1 bad input,
2 infeasible, 3 no allocation for another reason).

``python -m govdecide import-table FILE.csv|.xlsx --programs-from SCENARIO --out NEW.yaml
[--map COLUMN=FIELD ...]`` builds a scenario from a district table with the automatic
column guesses, prints the mapping it used and what it noticed, and writes the YAML. Every
bad row is listed on stderr with its row number and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from govdecide.cli.common import (
    EXIT_OK,
    add_solve_options,
    lang_from_argv,
    status_exit_code,
)
from govdecide.cli.plan import add_plan_options, plan_for_solve
from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import LANGS, t
from govdecide.io.boundaries import read_map_file
from govdecide.io.exports import result_workbook
from govdecide.io.plan_export import plan_workbook
from govdecide.io.plan_report import build_plan_report
from govdecide.io.report import build_report
from govdecide.io.scenario import load_scenario, scenario_to_yaml
from govdecide.io.table_import import import_table
from govdecide.io.table_mapping import field_label, parse_map_options, parse_unit_options
from govdecide.io.table_read import MAX_TABLE_BYTES, too_large
from govdecide.model.result import Result
from govdecide.model.years import PlanResult


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``report`` and ``import-table`` to the command line."""
    lang = lang_from_argv(sys.argv[1:])
    p_rep = subparsers.add_parser(
        "report", help=t("io.cli.report_help", lang), description=t("io.cli.report_help", lang)
    )
    p_rep.add_argument("file", metavar="FILE", help=t("io.cli.help_scenario", lang))
    add_solve_options(p_rep, lang)
    add_plan_options(p_rep, lang)
    _lang_option(p_rep, lang)
    p_rep.add_argument(
        "--out", required=True, metavar="REPORT.html", help=t("io.cli.help_out_html", lang)
    )
    p_rep.add_argument("--xlsx", metavar="RESULT.xlsx", help=t("io.cli.help_xlsx", lang))
    p_rep.set_defaults(handler=cmd_report)

    p_imp = subparsers.add_parser(
        "import-table",
        help=t("io.cli.import_help", lang),
        description=t("io.cli.import_help", lang),
    )
    p_imp.add_argument("file", metavar="TABLE", help=t("io.cli.help_table", lang))
    p_imp.add_argument(
        "--programs-from",
        dest="programs_from",
        required=True,
        metavar="SCENARIO",
        help=t("io.cli.help_programs_from", lang),
    )
    p_imp.add_argument(
        "--out", required=True, metavar="NEW.yaml", help=t("io.cli.help_out_yaml", lang)
    )
    p_imp.add_argument(
        "--map",
        dest="maps",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help=t("io.cli.help_map", lang),
    )
    p_imp.add_argument(
        "--unit",
        dest="units",
        action="append",
        default=[],
        metavar="COLUMN=UNIT",
        help=t("io.cli.help_unit", lang),
    )
    p_imp.add_argument("--name", help=t("io.cli.help_name", lang))
    p_imp.add_argument("--sheet", help=t("io.cli.help_sheet", lang))
    _lang_option(p_imp, lang)
    p_imp.set_defaults(handler=cmd_import_table)


def _lang_option(parser: argparse.ArgumentParser, lang: str) -> None:
    """``--lang`` after the subcommand too (the usage in the issue puts it there)."""
    parser.add_argument(
        "--lang", choices=LANGS, default=argparse.SUPPRESS, help=t("cli.help_lang", lang)
    )


def _write(path: str, data: str | bytes) -> None:
    """Write an output file; a failure is bad input (a path the user gave), not a trace."""
    try:
        target = Path(path)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(
            [Problem("", "cannot_write", {"detail": exc.strerror or str(exc)}, None, path)]
        ) from None


def cmd_report(args: argparse.Namespace) -> int:
    """Solve (or plan) the scenario under the options and write the HTML report (and the
    workbook)."""
    lang = args.lang
    scenario = load_scenario(args.file)
    settings, plan = plan_for_solve(args, scenario)
    source = Path(args.file).name
    if plan is not None:
        page, planned = build_plan_report(scenario, settings, plan, lang, source=source)
        return _write_report(
            args, page, planned, lambda: plan_workbook(planned, scenario, plan, lang)
        )
    topology = read_map_file(scenario, Path(args.file).parent)  # its own map, if it has one
    page, result = build_report(scenario, settings, lang, source=source, topology=topology)
    return _write_report(args, page, result, lambda: result_workbook(result, scenario, lang))


def _write_report(
    args: argparse.Namespace,
    page: str,
    result: Result | PlanResult,
    workbook: Callable[[], bytes],
) -> int:
    """Write the report and, with ``--xlsx`` and a result to show, the workbook; say so."""
    lang = args.lang
    _write(args.out, page)
    status = result.status_text(lang)
    sys.stdout.write(t("io.cli.report_written", lang, out=args.out, status=status) + "\n")
    if args.xlsx and result.has_solution:
        _write(args.xlsx, workbook())
        sys.stdout.write(t("io.cli.xlsx_written", lang, out=args.xlsx) + "\n")
    return status_exit_code(result.status)


def cmd_import_table(args: argparse.Namespace) -> int:
    """Build a scenario from a table, print the mapping and notes, write the YAML."""
    lang = args.lang
    if Path(args.out).suffix.lower() not in (".yaml", ".yml"):
        # YAML in a file called x.csv would open as garbage in a spreadsheet; refuse first
        raise ScenarioError([Problem("--out", "out_not_yaml", {}, None, None)])
    template = load_scenario(args.programs_from)
    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise too_large(path.name)
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            [Problem("", "cannot_read", {"detail": exc.strerror or str(exc)}, None, path.name)]
        ) from None
    mapping = parse_map_options(args.maps, path.name)
    units = parse_unit_options(args.units, path.name)
    imported = import_table(
        data, path.name, template, mapping=mapping, name=args.name, sheet=args.sheet, units=units
    )
    out = sys.stdout
    out.write(t("io.cli.mapping", lang) + "\n")
    for column, fieldname in imported.mapping.items():
        out.write(f"  {column} -> {fieldname}  ({field_label(fieldname, lang, template)})\n")
    for note in imported.note_messages(lang):
        out.write(f"- {note}\n")
    _write(args.out, scenario_to_yaml(imported.scenario))
    out.write(
        t(
            "io.cli.import_written",
            lang,
            out=args.out,
            districts=len(imported.scenario.districts),
            programs=len(imported.scenario.programs),
        )
        + "\n"
    )
    return EXIT_OK
