"""What a workspace holds, on the command line: ``scenarios``, ``options``, ``decisions``
and ``record``.

``options add KEY --scenario ID --name NAME [solve options]`` solves the scenario as
``solve`` would and keeps the option's settings and headline figures, so that a trainer
can prepare a workshop's options ahead; ``record`` does the same for an entry of the
decision log (with ``--note``). With the ``plan`` command's options (``--years 5
--budget-by-year a,b,c,d,e``, ``--budget-growth``, ``--discount-rate``, ``--no-growth``)
both solve and keep a plan over years instead, with the plan's settings and figures; the
lists then say each plan in words. Only a result with an allocation is kept: an infeasible
one is reported as ``solve`` reports it (exit code 2, 3 when none was found in time) and
nothing is written.

``--scenario ID`` names the scenario in one of three ways, tried in this order:

1. a file (the ID ends in ``.yaml`` or ``.yml``, or has a ``/`` in it): it is validated,
   solved and, once the option is kept, saved in the workspace, so that everyone with
   the link can open it; the option cites it by its stored id and hash. A path to a
   bundled file (``scenarios/riverton.yaml``) counts as that bundled scenario;
2. a scenario already saved in the workspace, by its id (``scenarios list``) or hash;
3. a bundled scenario by its file name without ``.yaml`` (``riverton``): the option cites
   that name and the sha256 of the file's text; bundled scenarios are never copied into a
   workspace.

Lists print a table for a person (names shown as plain text on one line), ``json`` for a
program and ``csv`` for a spreadsheet (formulas neutralised, see
:func:`govdecide.io.exports.neutralise_frame`). Times are UTC.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from govdecide.cli.common import (
    EXIT_OK,
    add_solve_options,
    dump_json,
    lang_from_argv,
    status_exit_code,
    text_table,
)
from govdecide.cli.plan import add_plan_options, plan_for_solve, plan_table
from govdecide.cli.solving import result_table
from govdecide.cli.store import (
    add_db_option,
    add_key_argument,
    open_workspace,
    opened_store,
    read_file,
    store_command,
)
from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import localize, t
from govdecide.io.exports import display_word, neutralise_frame, plain_text
from govdecide.io.exports import fmt_quantity as num
from govdecide.io.scenario import (
    BUNDLED_DIR,
    MAX_FILE_BYTES,
    Scenario,
    parse_scenario,
    parse_scenario_bytes,
)
from govdecide.model.engine import solve
from govdecide.model.result import Result
from govdecide.model.settings import Settings
from govdecide.model.years import PlanResult, PlanSettings, solve_plan
from govdecide.present.workspace_tables import decision_log_file_frame, plan_text, with_plan_words
from govdecide.store import Workspace, content_hash, headline_figures, options_frame, plan_figures
from govdecide.store.backup import decision_data, option_data

# The bundled scenarios: the same folder the app's picker lists (ui/state.py).
STORED_ID_RE = re.compile(r"^[0-9a-f]{12,64}$")  # a stored scenario's id, or its hash
FORMATS = ("table", "json", "csv")
NOTE_CHARS_SHOWN = 60  # of a note, in the table (json and csv keep it whole)


@dataclass(frozen=True)
class ScenarioChoice:
    """The scenario ``--scenario`` names: what an option or a decision cites, its text,
    and whether it is a file still to be saved in the workspace."""

    id: str
    sha256: str
    text: str
    label: str
    scenario: Scenario
    to_save: bool = False


def bundled_paths() -> dict[str, Path]:
    """The bundled scenario files by name (file name without ``.yaml``)."""
    return {p.stem: p for p in sorted(BUNDLED_DIR.glob("*.yaml"))}


def _from_file(path: Path, label: str) -> tuple[str, Scenario]:
    """A scenario file's text and its validated scenario (the error names the file)."""
    data = read_file(str(path), MAX_FILE_BYTES)
    scenario = parse_scenario_bytes(data, file=label)
    return data.decode("utf-8-sig"), scenario


def choose_scenario(workspace: Workspace, ref: str) -> ScenarioChoice:
    """The scenario ``ref`` names (see the module's docstring for the order)."""
    bundled = bundled_paths()
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        path = Path(ref)
        if path.stem in bundled and path.resolve() == bundled[path.stem].resolve():
            ref = path.stem
        else:
            label = plain_text(path.name)
            text, scenario = _from_file(path, label)
            return ScenarioChoice("", content_hash(text), text, label, scenario, to_save=True)
    elif STORED_ID_RE.match(ref):
        stored = workspace.scenario(ref) or workspace.scenario_by_hash(ref)
        if stored is not None:
            label = stored.label or stored.id
            scenario = parse_scenario(stored.yaml, file=label)
            return ScenarioChoice(stored.id, stored.sha256, stored.yaml, label, scenario)
    if ref in bundled:
        text, scenario = _from_file(bundled[ref], bundled[ref].name)
        return ScenarioChoice(ref, content_hash(text), text, bundled[ref].name, scenario)
    names = ", ".join(bundled)
    raise ScenarioError(
        [
            Problem(
                "--scenario", "ws_unknown_scenario", {"got": plain_text(ref)[:80], "bundled": names}
            )
        ]
    )


@dataclass(frozen=True)
class Solved:
    """The scenario ``--scenario`` names, the settings the options describe, the plan's
    settings when the plan options were given (else None) and the result of solving."""

    choice: ScenarioChoice
    settings: Settings
    plan: PlanSettings | None
    result: Result | PlanResult

    @property
    def figures(self) -> dict[str, float | None]:
        """What an option or a decision keeps of the result (a plan's own figures)."""
        if isinstance(self.result, PlanResult):
            return plan_figures(self.result)
        return headline_figures(self.result)


def _solved(args: argparse.Namespace, workspace: Workspace) -> Solved:
    """The scenario solved under the options, as ``solve`` would: a plan over years when
    a plan option is given or the file says ``policy.years`` above 1."""
    choice = choose_scenario(workspace, args.scenario)
    settings, plan = plan_for_solve(args, choice.scenario)
    if plan is None:
        return Solved(choice, settings, None, solve(choice.scenario, settings))
    return Solved(choice, settings, plan, solve_plan(choice.scenario, settings, plan))


def _kept(workspace: Workspace, choice: ScenarioChoice) -> ScenarioChoice:
    """The choice with a scenario file saved in the workspace (its stored id and hash)."""
    if not choice.to_save:
        return choice
    stored = workspace.save_scenario(choice.text, label=choice.label, origin="upload")
    return replace(choice, id=stored.id, sha256=stored.sha256, to_save=False)


def _not_kept(result: Result | PlanResult, choice: ScenarioChoice, lang: str) -> int:
    """Report a result without an allocation as ``solve`` (or ``plan``) does; nothing is
    written."""
    if isinstance(result, PlanResult):
        sys.stderr.write(plan_table(result, choice.scenario, lang))
    else:
        sys.stderr.write(result_table(result, choice.scenario, lang))
    sys.stderr.write(t("ws.cli.not_kept", lang) + "\n")
    return status_exit_code(result.status)


def _figures_text(figures: dict[str, float | None], lang: str, plan: bool = False) -> str:
    """The headline figures of a kept option or decision, in one line (a plan's: its
    spend over the years, its last year's E and z)."""
    if plan:
        return t(
            "plan_saving.cli_figures",
            lang,
            years=int(figures.get("years") or 0),
            spent=num(figures.get("spend_total"), "money", lang),
            budget=num(figures.get("budget_total"), "money", lang),
            efficiency=num(figures.get("efficiency"), "share", lang),
            equity=num(figures.get("equity"), "share", lang),
            people=num(figures.get("people_newly_served"), "people", lang),
        )
    return t(
        "ws.cli.figures",
        lang,
        efficiency=num(figures.get("efficiency"), "share", lang),
        equity=num(figures.get("equity"), "share", lang),
        used=num(figures.get("budget_used"), "money", lang),
        budget=num(figures.get("budget"), "money", lang),
        people=num(figures.get("people_newly_served"), "people", lang),
    )


# -- the commands ----------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``scenarios``, ``options``, ``decisions`` and ``record`` to the command line."""
    lang = lang_from_argv(sys.argv[1:])

    def leaf(parent: Any, name: str, key: str, handler: Any, keyed: bool = True) -> Any:
        parser = parent.add_parser(name, help=t(key, lang), description=t(key, lang))
        if keyed:
            add_key_argument(parser, lang)
        add_db_option(parser, lang)
        parser.set_defaults(handler=store_command(handler))
        return parser

    def group(name: str, key: str) -> Any:
        parser = subparsers.add_parser(name, help=t(key, lang), description=t(key, lang))
        actions = parser.add_subparsers(dest="action", metavar="ACTION")
        actions.required = True
        return actions

    def formats(parser: argparse.ArgumentParser, choices: tuple[str, ...] = FORMATS) -> None:
        parser.add_argument("--format", choices=choices, default="table",
                            help=t("ws.cli.help_format", lang))  # fmt: skip

    def solving(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--scenario", required=True, metavar="ID",
                            help=t("ws.cli.help_scenario", lang))  # fmt: skip
        add_solve_options(parser, lang)
        add_plan_options(parser, lang)

    scenarios = group("scenarios", "ws.cli.scenarios_help")
    formats(
        leaf(scenarios, "list", "ws.cli.scenarios_list_help", cmd_scenarios_list), ("table", "json")
    )
    p = leaf(scenarios, "add", "ws.cli.scenarios_add_help", cmd_scenarios_add)
    p.add_argument("file", metavar="FILE", help=t("cli.help_file", lang))
    options = group("options", "ws.cli.options_help")
    formats(leaf(options, "list", "ws.cli.options_list_help", cmd_options_list))
    p = leaf(options, "add", "ws.cli.options_add_help", cmd_options_add)
    p.add_argument("--name", required=True, help=t("ws.cli.help_name", lang))
    solving(p)
    formats(leaf(subparsers, "decisions", "ws.cli.decisions_help", cmd_decisions))
    p = leaf(subparsers, "record", "ws.cli.record_help", cmd_record)
    p.add_argument("--note", default="", help=t("ws.cli.help_note", lang))
    solving(p)


def cmd_options_add(args: argparse.Namespace) -> int:
    """Solve the scenario under the options and keep the option under ``--name``."""
    lang = args.lang
    with opened_store(args) as store:
        workspace = open_workspace(store, args.key)
        done = _solved(args, workspace)
        if not done.result.has_solution:
            return _not_kept(done.result, done.choice, lang)
        existed = {o.name for o in workspace.options(done.choice.sha256)}
        choice = _kept(workspace, done.choice)
        option = workspace.save_option(args.name, scenario_id=choice.id,
                                       scenario_hash=choice.sha256, settings=done.settings,
                                       figures=done.figures, plan=done.plan)  # fmt: skip
    key = "ws.cli.option_replaced" if option.name in existed else "ws.cli.option_saved"
    name = localize(choice.scenario.name, lang)
    status = done.result.status_text(lang)
    sys.stdout.write(t(key, lang, name=option.name, id=option.id, scenario=name,
                       scenario_id=choice.id, status=status) + "\n")  # fmt: skip
    _write_kept(option.figures, option, lang)
    return EXIT_OK


def _write_kept(figures: dict[str, float | None], record: Any, lang: str) -> None:
    """The figures of what was kept, and a plan's settings and figures in words."""
    sys.stdout.write(_figures_text(figures, lang, plan=record.plan is not None) + "\n")
    if record.plan is not None:
        sys.stdout.write(_cell(plan_text(record, lang), 1000) + "\n")


def cmd_record(args: argparse.Namespace) -> int:
    """Solve the scenario under the options and append the result to the decision log."""
    lang = args.lang
    with opened_store(args) as store:
        workspace = open_workspace(store, args.key)
        done = _solved(args, workspace)
        if not done.result.has_solution:
            return _not_kept(done.result, done.choice, lang)
        choice = _kept(workspace, done.choice)
        entry = workspace.record_decision(scenario_id=choice.id, scenario_hash=choice.sha256,
                                          settings=done.settings, result=done.result,
                                          note=args.note, plan=done.plan)  # fmt: skip
    name = localize(choice.scenario.name, lang)
    status = done.result.status_text(lang)
    sys.stdout.write(t("ws.cli.recorded", lang, seq=entry.seq, scenario=name,
                       scenario_id=choice.id, status=status) + "\n")  # fmt: skip
    _write_kept(entry.figures, entry, lang)
    return EXIT_OK


def cmd_scenarios_add(args: argparse.Namespace) -> int:
    """Validate a scenario file and save it in the workspace (for the room's links)."""
    label = plain_text(Path(args.file).name)
    text, scenario = _from_file(Path(args.file), label)
    with opened_store(args) as store:
        stored = open_workspace(store, args.key).save_scenario(text, label=label)
    name = localize(scenario.name, args.lang)
    sys.stdout.write(t("ws.cli.scenario_saved", args.lang, id=stored.id, name=name) + "\n")
    return EXIT_OK


def _when(moment: datetime) -> str:
    """A time for a table: UTC to the minute (json and csv keep ISO 8601 whole)."""
    return moment.strftime("%Y-%m-%d %H:%M")


def _cell(text: str, limit: int = 200) -> str:
    """User text as one line of a table cell, cut to ``limit`` characters."""
    line = plain_text(text)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _header(names: tuple[str, ...], lang: str) -> list[str]:
    """Column headings of a table from the ``ws.cli.col.*`` keys."""
    return [t(f"ws.cli.col.{name}", lang) for name in names]


def _write_list(
    args: argparse.Namespace,
    table: tuple[tuple[str, ...], list[list[str]], set[int]],
    data: Any,
    frame: pd.DataFrame,
) -> None:
    """A list in the format asked: a table (columns, rows, the right-aligned ones) for a
    person, ``data`` as JSON, ``frame`` as CSV."""
    if args.format == "json":
        dump_json(data)
    elif args.format == "csv":
        sys.stdout.write(neutralise_frame(frame).to_csv(index=False, lineterminator="\n"))
    else:
        columns, rows, right = table
        lines = text_table(_header(columns, args.lang), rows, right) if rows else []
        sys.stdout.write("\n".join(lines or [t("ws.cli.none", args.lang)]) + "\n")


def cmd_scenarios_list(args: argparse.Namespace) -> int:
    """The scenarios saved in the workspace: their ids are what ``--scenario`` takes."""
    lang = args.lang
    with opened_store(args) as store:
        scenarios = open_workspace(store, args.key).scenarios()
    rows = [
        [s.id, _cell(localize(s.name, lang)), _cell(s.label), t(f"ws.cli.origin.{s.origin}", lang),
         num(s.size_bytes / 1024, "units", lang), _when(s.created_at)]
        for s in scenarios
    ]  # fmt: skip
    columns = ("id", "scenario_name", "label", "origin", "size_kb", "created")
    data = [asdict(s) | {"created_at": s.created_at.isoformat()} for s in scenarios]
    _write_list(args, (columns, rows, {4}), data, pd.DataFrame(data))
    return EXIT_OK


def cmd_options_list(args: argparse.Namespace) -> int:
    """The workspace's saved options, in the order they were saved (a plan in words)."""
    lang = args.lang
    with opened_store(args) as store:
        workspace = open_workspace(store, args.key)
        options = workspace.options()
    plans = _plan_column(options, lang)
    rows = [
        [str(o.id), _cell(o.name), o.scenario_id, _when(o.saved_at),
         *_figure_cells(o.figures, lang), *plan]
        for o, plan in zip(options, plans[1], strict=True)
    ]  # fmt: skip
    columns = ("id", "name", "scenario", "saved", *FIGURE_COLUMNS, *plans[0])
    data = [{"id": o.id} | option_data(o) for o in options]
    frame = with_plan_words(options_frame(options), options, lang, after="name")
    _write_list(args, (columns, rows, {0, 4, 5, 6, 7}), data, frame)
    return EXIT_OK


def cmd_decisions(args: argparse.Namespace) -> int:
    """The decision log, oldest entry first (a plan in words)."""
    lang = args.lang
    with opened_store(args) as store:
        workspace = open_workspace(store, args.key)
        decisions = workspace.decisions()
    plans = _plan_column(decisions, lang)
    rows = [
        [str(d.seq), _when(d.recorded_at), d.scenario_id, display_word("status", d.status, lang),
         *_figure_cells(d.figures, lang), *plan, _cell(d.note, NOTE_CHARS_SHOWN)]
        for d, plan in zip(decisions, plans[1], strict=True)
    ]  # fmt: skip
    columns = ("seq", "recorded", "scenario", "status", *FIGURE_COLUMNS, *plans[0], "note")
    data = [decision_data(d) for d in decisions]
    frame = decision_log_file_frame(decisions, lang)
    _write_list(args, (columns, rows, {0, 4, 5, 6, 7}), data, frame)
    return EXIT_OK


FIGURE_COLUMNS = ("budget", "efficiency", "equity", "people")


def _figure_cells(figures: dict[str, float | None], lang: str) -> list[str]:
    """The figures a list shows of an option or a decision (json and csv have them all)."""
    return [
        num(figures.get("budget"), "money", lang),
        num(figures.get("efficiency"), "share", lang),
        num(figures.get("equity"), "share", lang),
        num(figures.get("people_newly_served"), "people", lang),
    ]


def _plan_column(records: Sequence[Any], lang: str) -> tuple[tuple[str, ...], list[list[str]]]:
    """A list's ``plan`` column: (its name, each record's cell: the plan in words), or no
    column when no record is a plan (a plan's E and z are its last year's, its budget
    and spend over the years are in its words)."""
    words = [plan_text(r, lang) for r in records]
    if not any(words):
        return (), [[] for _ in records]
    return ("plan",), [[_cell(w, 1000)] for w in words]
