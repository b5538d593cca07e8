"""What every subcommand shares: the solve options, exit codes, JSON and text output.

Options that shape a solve are read the same way by ``solve`` and every analysis
(:func:`add_solve_options`, :func:`settings_from_args`); bad values are reported like any
other bad input, in the user's language, with exit code 1. Exit codes: 0 a result exists,
1 bad input, 2 infeasible, 3 no allocation found in the time allowed.

Everything a command prints passes :func:`terminal_safe_output`: names, table headers and
file paths are user text, and a control sequence in one (ESC [2J clears the screen, a
bidirectional override shows the rest of a line reversed) must be shown, not acted on.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn, TextIO

from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import normalize_lang, t
from govdecide.io.exports import UNSHOWABLE_ABOVE_C0, plain_text
from govdecide.model.settings import METHODS, SOLVERS, Settings

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_INFEASIBLE = 2
EXIT_NO_SOLUTION = 3
FORMATS = ("table", "json", "csv")


def status_exit_code(status: str) -> int:
    """The exit code of a solve that ended with ``status``: 0 with an allocation (optimal,
    or stopped with one), 2 when infeasible, 3 when there is none for another reason."""
    if status in ("optimal", "feasible"):
        return EXIT_OK
    return EXIT_INFEASIBLE if status == "infeasible" else EXIT_NO_SOLUTION


class UsageError(Exception):
    """A command line that cannot be parsed; shown as a message with exit code 1."""

    def __init__(self, message: str, usage: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting with 2 (2 means "infeasible" here)."""

    def error(self, message: str) -> NoReturn:
        """Raise a :class:`UsageError` so :func:`main` can return exit code 1."""
        raise UsageError(message, self.format_usage())


def lang_from_argv(argv: Sequence[str]) -> str:
    """The ``--lang`` value before full parsing, so help texts come out in that language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalize_lang(argv[i + 1])
        if arg.startswith("--lang="):
            return normalize_lang(arg.split("=", 1)[1])
    return "en"


def add_solve_options(parser: argparse.ArgumentParser, lang: str = "en") -> None:
    """Add the options every solving subcommand shares (budget, staff, weights, solver...).

    Numbers are read as text and converted in :func:`settings_from_args`, so that a bad
    value is reported like any other bad input, in the user's language, with exit code 1.
    """
    group = parser.add_argument_group(t("cli.group_solve", lang))
    group.add_argument("--budget", metavar="B", help=t("cli.help_budget", lang))
    group.add_argument("--staff", metavar="S", help=t("cli.help_staff", lang))
    group.add_argument(
        "--equity-weight", dest="equity_weight", metavar="L", help=t("cli.help_equity", lang)
    )
    group.add_argument(
        "--weight",
        dest="weights",
        metavar="PROGRAM=W",
        action="append",
        default=[],
        help=t("cli.help_weight", lang),
    )
    group.add_argument("--solver", choices=SOLVERS, help=t("cli.help_solver", lang))
    group.add_argument(
        "--time-limit", dest="time_limit", metavar="SECONDS", help=t("cli.help_time_limit", lang)
    )
    group.add_argument("--gap", metavar="G", help=t("cli.help_gap", lang))
    group.add_argument("--method", choices=METHODS, default="auto", help=t("cli.help_method", lang))


def number_option(text: str | None, option: str, problems: list[Problem]) -> float | None:
    """A finite number from an option's text, or a problem recorded in plain words."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        problems.append(Problem(option, "cli_not_number", {"got": repr(text)}))
        return None
    if not math.isfinite(value):
        problems.append(Problem(option, "not_finite", {"got": text}))
        return None
    return value


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The :class:`Settings` the shared solve options describe; bad values raise ScenarioError.

    ``--staff none`` (or ``inf``) lifts the staff limit. Range checks (budget >= 0, weight
    in [0, 1], known program names) stay in :func:`govdecide.model.problem.problem_data`,
    so they are the same for the app and the command line.
    """
    problems: list[Problem] = []
    staff_text = getattr(args, "staff", None)
    if staff_text is not None and staff_text.strip().lower() in ("none", "inf", "unlimited"):
        staff: float | None = math.inf
    else:
        staff = number_option(staff_text, "--staff", problems)
    weights: dict[str, float] = {}
    for item in getattr(args, "weights", None) or []:
        program, sep, value_text = item.partition("=")
        program = program.strip()
        if not sep or not program:
            problems.append(Problem("--weight", "cli_bad_weight", {"got": repr(item)}))
            continue
        value = number_option(value_text.strip(), f"--weight {program}", problems)
        if value is not None:
            weights[program] = value
    settings = Settings(
        budget=number_option(getattr(args, "budget", None), "--budget", problems),
        staff=staff,
        equity_weight=number_option(
            getattr(args, "equity_weight", None), "--equity-weight", problems
        ),
        weights=weights,
        solver=getattr(args, "solver", None),
        time_limit_s=number_option(getattr(args, "time_limit", None), "--time-limit", problems),
        gap=number_option(getattr(args, "gap", None), "--gap", problems),
        method=getattr(args, "method", None) or "auto",
    )
    if problems:
        raise ScenarioError(problems)
    return settings


# Settings as the library names them (Settings.check) -> the flag a user typed.
SETTING_FLAGS: dict[str, str] = {
    "budget": "--budget",
    "staff": "--staff",
    "equity_weight": "--equity-weight",
    "time_limit": "--time-limit",
    "gap": "--gap",
    "solver": "--solver",
    "method": "--method",
    # a plan's settings (PlanSettings.check, plan_data), read by cli.plan
    "years": "--years",
    "budget_by_year": "--budget-by-year",
    "budget_growth": "--budget-growth",
    "discount_rate": "--discount-rate",
}


def name_flags(exc: ScenarioError) -> ScenarioError:
    """The same error with settings named by their flags (``--budget``, ``--weight clinic``).

    The library checks settings for the app and the command line alike and names them as
    settings (``budget``, ``weight.clinic``); someone at a terminal typed flags, so the
    message must point at the flag to change. Problems from a file (with ``file`` or
    ``line``) keep their place in the file.
    """
    problems = []
    for p in exc.problems:
        flag = SETTING_FLAGS.get(p.path)
        if flag is None and p.path.startswith("weight."):
            flag = f"--weight {p.path.split('.', 1)[1]}"
        if flag is not None and p.file is None and p.line is None:
            p = dataclasses.replace(p, path=flag)
        problems.append(p)
    return ScenarioError(problems)


def add_output_options(parser: argparse.ArgumentParser, lang: str = "en") -> None:
    """``--format`` and ``--all-rows``: how a command that prints a result prints it."""
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help=t("cli.help_format", lang)
    )
    parser.add_argument("--all-rows", action="store_true", help=t("cli.help_all_rows", lang))


@dataclasses.dataclass(frozen=True)
class Outputs:
    """One result in each format the command line prints, each made only when asked for.

    ``status_lines`` is the status (and, when infeasible, the ways out) for a person: with
    ``--format csv`` and no allocation it goes to stderr, since the CSV has no rows.
    """

    status: str
    has_solution: bool
    as_json: Callable[[], Any]
    as_csv: Callable[[], str]
    as_table: Callable[[bool], str]  # all_rows -> text
    status_lines: Callable[[], str]


def write_outputs(outputs: Outputs, args: argparse.Namespace) -> int:
    """Print ``outputs`` in the format ``args`` asks for; the exit code of its status."""
    if args.format == "json":
        dump_json(outputs.as_json())
    elif args.format == "csv":
        sys.stdout.write(outputs.as_csv())
        if not outputs.has_solution:
            sys.stderr.write(outputs.status_lines())
    else:
        sys.stdout.write(outputs.as_table(bool(getattr(args, "all_rows", False))))
    return status_exit_code(outputs.status)


def clean_json(value: Any) -> Any:
    """JSON-safe plain data: non-finite floats become null, numpy scalars plain numbers.

    Shared by every subcommand's ``--format json`` so that a program reading it never meets
    NaN (not JSON) or a numpy type json cannot write.
    """
    if isinstance(value, dict):
        return {str(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# Characters json.dumps(ensure_ascii=False) leaves raw that a terminal acts on (it escapes
# C0 itself), and the line separators: written as \u escapes, the same data for a program.
_JSON_RAW = re.compile(f"[{UNSHOWABLE_ABOVE_C0}\x85\u2028\u2029]")


def dump_json(data: Any) -> None:
    """Print JSON on stdout (UTF-8 names kept readable, no NaN, no raw control)."""
    text = json.dumps(clean_json(data), ensure_ascii=False, indent=2, allow_nan=False)
    sys.stdout.write(_JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    sys.stdout.write("\n")


class TerminalStream:
    """A text stream that writes each line of what it is given as :func:`plain_text`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` with its line ends kept and every other control replaced."""
        self._stream.write("\n".join(plain_text(line) for line in text.split("\n")))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        """Everything else (flush, encoding, isatty...) is the wrapped stream's."""
        return getattr(self._stream, name)


@contextlib.contextmanager
def terminal_safe_output() -> Iterator[None]:
    """While inside, stdout and stderr show user text and never run it (see module)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalStream(out), TerminalStream(err)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def text_width(text: str) -> int:
    """Display width in a terminal: Chinese characters take two columns, so tables align."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def text_table(
    header: list[str], rows: list[list[str]], right: set[int] | None = None
) -> list[str]:
    """A plain text table for a terminal; columns in ``right`` (default: all but the first,
    numbers) are right-aligned, the others left-aligned."""
    if right is None:
        right = set(range(1, len(header)))
    widths = [text_width(h) for h in header]
    for row in rows:
        widths = [max(w, text_width(c)) for w, c in zip(widths, row)]

    def line(cells: list[str]) -> str:
        parts = []
        for i, (cell, w) in enumerate(zip(cells, widths)):
            pad = " " * (w - text_width(cell))
            parts.append(pad + cell if i in right else cell + pad)
        return "  ".join(parts).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *[line(r) for r in rows]]
