"""The analyses' subcommands: ``frontier``, ``budget-curve``, ``min-budget``, ``robustness``.

Each reads a scenario file and the shared solve options
(:func:`govdecide.cli.common.add_solve_options`) and prints a table for a person or, with
``--format json``, plain data for a program.
Exit codes as everywhere (:mod:`govdecide.cli.common`): 0 an answer exists, 1 bad input,
2 infeasible (no allocation, or no budget reaches the coverage asked for), 3 no answer for
another reason (time limit before any allocation, solver error, a worker process lost).

``frontier``, ``budget-curve`` and ``robustness`` solve in worker processes, one per core
unless ``--jobs`` says otherwise, or on a Dask cluster (``--scheduler`` or
``GOVDECIDE_DASK_SCHEDULER``); see :mod:`govdecide.analyses.parallel`.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from govdecide import analyses as an
from govdecide.cli.common import (
    EXIT_NO_SOLUTION,
    EXIT_OK,
    UsageError,
    add_solve_options,
    dump_json,
    lang_from_argv,
    settings_from_args,
    status_exit_code,
    text_table,
)
from govdecide.i18n import localize, t
from govdecide.io.exports import fmt_quantity as num
from govdecide.io.scenario import Scenario, display_names, load_scenario
from govdecide.model.problem import problem_data

FORMATS = ("table", "json")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the four analysis subcommands to the command line."""
    lang = lang_from_argv(sys.argv[1:])

    def command(name: str, key: str, handler: Any) -> argparse.ArgumentParser:
        parser = subparsers.add_parser(name, help=_help(key, lang), description=t(key, lang))
        parser.add_argument("file", metavar="FILE", help=_help("an.cli.help_file", lang))
        add_solve_options(parser, lang)
        parser.add_argument(
            "--format", choices=FORMATS, default="table", help=_help("an.cli.help_format", lang)
        )
        parser.set_defaults(handler=handler)
        return parser

    p = command("frontier", "an.cli.frontier_help", cmd_frontier)
    p.add_argument("--points", type=int, default=20, help=_help("an.cli.help_points", lang))
    _parallel_options(p, lang)
    p = command("budget-curve", "an.cli.curve_help", cmd_budget_curve)
    p.add_argument("--points", type=int, default=11, help=_help("an.cli.help_curve_points", lang))
    p.add_argument("--low", type=float, default=0.5, help=_help("an.cli.help_low", lang))
    p.add_argument("--high", type=float, default=1.5, help=_help("an.cli.help_high", lang))
    _parallel_options(p, lang)
    p = command("min-budget", "an.cli.minb_help", cmd_min_budget)
    p.add_argument("--coverage", required=True, help=_help("an.cli.help_coverage", lang))
    p = command("robustness", "an.cli.robust_help", cmd_robustness)
    p.add_argument("--spread", type=float, default=0.1, help=_help("an.cli.help_spread", lang))
    p.add_argument("--runs", type=int, default=50, help=_help("an.cli.help_runs", lang))
    p.add_argument("--seed", type=int, default=1, help=_help("an.cli.help_seed", lang))
    _parallel_options(p, lang)


def _help(key: str, lang: str) -> str:
    """A help text for argparse, which reads ``%`` as a format: "±10%" must be "±10%%"."""
    return t(key, lang).replace("%", "%%")


def _parallel_options(parser: argparse.ArgumentParser, lang: str) -> None:
    """``--jobs`` and ``--scheduler``: where an analysis' many solves run."""
    group = parser.add_argument_group(t("par.cli.group", lang))
    group.add_argument("--jobs", type=int, metavar="N", help=_help("par.cli.help_jobs", lang))
    group.add_argument("--scheduler", metavar="ADDRESS", help=_help("par.cli.help_scheduler", lang))


# ---------------------------------------------------------------------------------------
# helpers


def _load(args: argparse.Namespace) -> tuple[Scenario, Any]:
    """The scenario and the settings the shared options describe.

    The analyses are of one year: a file that describes a plan over several years is
    analysed for its first year, and the command says so rather than leave it unsaid."""
    scenario = load_scenario(args.file)
    settings = settings_from_args(args)
    if scenario.policy.years > 1:
        sys.stderr.write(
            t("cli.analysis_first_year", args.lang, years=scenario.policy.years) + "\n"
        )
    return scenario, settings


def _workers(args: argparse.Namespace) -> an.Workers:
    """Where the solves run: ``--jobs`` (default one per core), ``--scheduler`` or the
    environment's ``GOVDECIDE_DASK_SCHEDULER`` for a cluster."""
    if args.jobs is not None:
        _need_at_least(args.jobs, 1, "--jobs", args.lang)
    return an.Workers.from_env(jobs=args.jobs, scheduler=args.scheduler)


def _failed(exc: an.AnalysisFailed, lang: str) -> int:
    """A worker's failure: its message on stderr, exit code 3 (no answer, not bad input)."""
    sys.stderr.write(exc.messages_text(lang) + "\n")
    return EXIT_NO_SOLUTION


def _need_at_least(value: int, least: int, option: str, lang: str) -> None:
    """A count option below its minimum is a usage error (exit 1), said in plain words."""
    if value < least:
        raise UsageError(t("an.cli.at_least", lang, option=option, least=least, got=value))


def _need_between(value: int, least: int, most: int, option: str, lang: str) -> None:
    """A count option outside [least, most] is a usage error (exit 1): the upper limits are
    the app's (:data:`govdecide.analyses.MAX_FRONTIER_POINTS` ...), since every point or
    run is a full solve and the machine may be shared."""
    _need_at_least(value, least, option, lang)
    if value > most:
        raise UsageError(t("an.cli.at_most", lang, option=option, most=most, got=value))


def _unproven_note(lines: list[str], count: int, total: int, lang: str) -> None:
    """Add a line saying how many points stopped at the time limit, when any did."""
    if count:
        lines.append(
            t(
                "an.status.unproven_count",
                lang,
                n=num(count, "count", lang),
                total=num(total, "count", lang),
            )
        )


def _share(text: str, option: str, lang: str, upper: float = 1.0) -> float:
    """A share from '0.6' or '60%', checked to lie in [0, upper]."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise UsageError(t("an.cli.not_share", lang, option=option, got=text)) from None
    if not (math.isfinite(value) and 0 <= value <= upper):
        raise UsageError(t("an.cli.not_share", lang, option=option, got=text))
    return value


def _header(scenario: Scenario, lang: str, key: str) -> list[str]:
    """The scenario's name and the analysis title."""
    return [f"{localize(scenario.name, lang)}: {t(key, lang)}", ""]


# ---------------------------------------------------------------------------------------
# frontier


def cmd_frontier(args: argparse.Namespace) -> int:
    """The efficiency-equity frontier, with the current setting and the price of fairness."""
    lang = args.lang
    _need_between(args.points, 2, an.MAX_FRONTIER_POINTS, "--points", lang)
    scenario, settings = _load(args)
    try:
        fr = an.frontier(scenario, settings, points=args.points, workers=_workers(args))
    except an.AnalysisFailed as exc:
        return _failed(exc, lang)
    if args.format == "json":
        data = fr.to_dict()
        data["scenario"] = localize(scenario.name, lang)
        pof = fr.price_of_fairness()
        if pof is not None:
            data["price_of_fairness"]["sentence"] = pof.sentence(lang)
        dump_json(data)
        return status_exit_code(fr.status)
    lines = _header(scenario, lang, "an.cli.frontier_title")
    if not fr.points:
        lines.append(t("an.cli.no_points", lang, status=fr.current.status_text(lang)))
        sys.stdout.write("\n".join(lines) + "\n")
        return status_exit_code(fr.status)
    header = [
        t("an.col.point", lang),
        t("an.col.equity", lang),
        t("an.col.efficiency", lang),
        t("an.col.objective", lang, lam=num(fr.equity_weight, "weight", lang)),
        t("an.col.people", lang),
    ]
    unproven = fr.unproven
    if unproven:
        header.append(t("an.col.status", lang))
    rows = [
        [
            num(i + 1, "count", lang),
            num(p.equity, "share", lang),
            num(p.efficiency, "share", lang),
            num(p.objective, "score", lang),
            num(p.people_served, "people", lang),
        ]
        + ([an.status_words(p.result, lang)] if unproven else [])
        for i, p in enumerate(fr.points)
    ]
    right = set(range(1, 5))
    lines += text_table(header, rows, right)
    cur = fr.current
    lines.append("")
    _unproven_note(lines, unproven, len(fr.points), lang)
    if cur.has_solution:
        lines.append(
            t(
                "an.cli.current",
                lang,
                lam=num(fr.equity_weight, "weight", lang),
                equity=num(cur.equity, "share", lang),
                efficiency=num(cur.efficiency, "share", lang),
            )
        )
    pof = fr.price_of_fairness()
    if pof is not None:
        lines.append(pof.sentence(lang))
    sys.stdout.write("\n".join(lines) + "\n")
    return status_exit_code(fr.status)


# ---------------------------------------------------------------------------------------
# budget curve


def cmd_budget_curve(args: argparse.Namespace) -> int:
    """The optimum over a grid of budgets, with people served per extra budget unit."""
    lang = args.lang
    _need_between(args.points, 2, an.MAX_CURVE_POINTS, "--points", lang)
    if not (math.isfinite(args.low) and math.isfinite(args.high) and 0 <= args.low < args.high):
        raise UsageError(t("an.cli.bad_range", lang, low=args.low, high=args.high))
    scenario, settings = _load(args)
    base = problem_data(scenario, settings).budget
    grid = an.budget_grid(base, args.points, args.low, args.high)
    try:
        curve = an.budget_curve(scenario, settings, budgets=grid, workers=_workers(args))
    except an.AnalysisFailed as exc:
        return _failed(exc, lang)
    ok = [p for p in curve.points if p.efficiency is not None]
    if args.format == "json":
        data = curve.to_dict()
        data["scenario"] = localize(scenario.name, lang)
        data["more_budget_sentence"] = curve.more_budget_sentence(0.1, lang)
        dump_json(data)
        return EXIT_OK if ok else status_exit_code(curve.points[0].status)
    lines = _header(scenario, lang, "an.cli.curve_title")
    header = [
        t("an.col.budget", lang),
        t("an.col.spend", lang),
        t("an.col.efficiency", lang),
        t("an.col.equity", lang),
        t("an.col.people", lang),
        t("an.col.marginal_value", lang),
        t("an.col.step_people", lang),
    ]
    flagged = any(p.status != "optimal" for p in curve.points)
    if flagged:
        header.append(t("an.col.status", lang))
    rows = []
    for p in curve.points:
        status = [an.status_words(p.result, lang)] if flagged else []
        if p.efficiency is None:
            rows.append([num(p.budget, "money", lang), "—", "—", "—", "—", "—", "—", *status])
            continue
        mark = " *" if abs(p.budget - base) <= 1e-9 * max(1.0, base) else ""
        rows.append(
            [
                num(p.budget, "money", lang) + mark,
                num(p.spend, "money", lang),
                num(p.efficiency, "share", lang),
                num(p.equity, "share", lang),
                num(p.people_served, "people", lang),
                "—" if p.marginal_value is None else num(p.marginal_value * base, "rate", lang),
                "—" if p.step_people is None else num(p.step_people, "rate", lang),
                *status,
            ]
        )
    lines += text_table(header, rows, set(range(1, 7)))
    lines += ["", t("an.cli.base_marked", lang)]
    bases = dict.fromkeys(
        p.result.marginal_basis_text(lang) for p in ok if p.marginal_value is not None
    )
    chunk = num(base * 0.01, "money", lang)
    for basis in bases:
        lines.append(t("an.cli.marginal_basis", lang, chunk=chunk, basis=basis))
    lines.append(t("an.cli.step_note", lang))
    _unproven_note(lines, curve.unproven, len(curve.points), lang)
    sentence = curve.more_budget_sentence(0.1, lang)
    if sentence:
        lines.append(sentence)
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK if ok else status_exit_code(curve.points[0].status)


# ---------------------------------------------------------------------------------------
# smallest budget


def cmd_min_budget(args: argparse.Namespace) -> int:
    """The smallest budget at which every district's weighted coverage reaches X."""
    lang = args.lang
    coverage = _share(args.coverage, "--coverage", lang)
    scenario, settings = _load(args)
    answer = an.min_budget(scenario, settings, coverage)
    if args.format == "json":
        data = answer.to_dict()
        data["scenario"] = localize(scenario.name, lang)
        data["sentence"] = answer.sentence(lang)
        dump_json(data)
    else:
        lines = _header(scenario, lang, "an.cli.minb_title")
        lines.append(answer.sentence(lang))
        res = answer.result
        if res is not None:
            names = display_names(scenario, lang)
            lines.append(
                t(
                    "an.cli.minb_detail",
                    lang,
                    efficiency=num(res.efficiency, "share", lang),
                    equity=num(res.equity, "share", lang),
                )
            )
            rows = [
                [
                    f"{names.get(r.district, r.district)} / {names.get(r.program, r.program)}",
                    num(r.new_units, "units", lang),
                    num(r.coverage_after, "share", lang),
                ]
                for r in res.allocation.itertuples()
                if r.new_units > 0
            ]
            if rows:
                lines.append("")
                header = [
                    t("an.col.pair", lang),
                    t("an.col.units", lang),
                    t("an.col.coverage", lang),
                ]
                lines += text_table(header, rows)
        sys.stdout.write("\n".join(lines) + "\n")
    if answer.budget is not None:
        return EXIT_OK
    return status_exit_code(answer.status)


# ---------------------------------------------------------------------------------------
# robustness


def cmd_robustness(args: argparse.Namespace) -> int:
    """Re-solve under seeded perturbations of need; ranges per district."""
    lang = args.lang
    _need_between(args.runs, 1, an.MAX_ROBUSTNESS_RUNS, "--runs", lang)
    if not (math.isfinite(args.spread) and 0 <= args.spread < 1):
        raise UsageError(t("an.cli.bad_spread", lang, got=args.spread))
    scenario, settings = _load(args)
    workers = _workers(args)
    try:
        rob = an.robustness(
            scenario, settings, spread=args.spread, runs=args.runs, seed=args.seed, workers=workers
        )
    except an.AnalysisFailed as exc:
        return _failed(exc, lang)
    if args.format == "json":
        data = rob.to_dict()
        data["scenario"] = localize(scenario.name, lang)
        dump_json(data)
        return status_exit_code(rob.base.status)
    lines = _header(scenario, lang, "an.cli.robust_title")
    if not rob.base.has_solution:
        lines.append(t("an.cli.no_points", lang, status=rob.base.status_text(lang)))
        sys.stdout.write("\n".join(lines) + "\n")
        return status_exit_code(rob.base.status)
    lines.append(
        t(
            "an.cli.robust_intro",
            lang,
            runs=num(rob.runs, "count", lang),
            spread=num(rob.spread, "share", lang),
            seed=rob.seed,
            solved=num(rob.solved, "count", lang),
        )
    )
    if rob.solved:
        lines.append(
            t(
                "an.cli.robust_ranges",
                lang,
                e_lo=num(rob.efficiency[0], "share", lang),
                e_hi=num(rob.efficiency[1], "share", lang),
                z_lo=num(rob.equity[0], "share", lang),
                z_hi=num(rob.equity[1], "share", lang),
            )
        )
        names = display_names(scenario, lang)
        header = [
            t("an.col.pair", lang),
            t("an.col.base_units", lang),
            t("an.col.range", lang),
            t("an.col.within_one", lang),
        ]
        rows = []
        for r in rob.pairs.itertuples():
            if r.base_units == 0 and r.max_units == 0:
                continue
            rows.append(
                [
                    f"{names.get(r.district, r.district)} / {names.get(r.program, r.program)}",
                    num(r.base_units, "units", lang),
                    f"{num(r.min_units, 'units', lang)}–{num(r.max_units, 'units', lang)}",
                    num(r.within_one, "share", lang),
                ]
            )
        lines.append("")
        lines += text_table(header, rows)
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK if rob.solved else status_exit_code(next(iter(rob.statuses), "error"))
